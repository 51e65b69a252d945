from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count, F, Q
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from catalog.models import Category, Product, StockAdjustment
from catalog.selectors import low_stock_threshold
from catalog.services import (
    EDITABLE,
    product_create,
    product_set_active,
    product_stock_adjust,
    product_update,
)
from shop.admin_widgets import status_pill
from shop.errors import DomainError
from shop.text import human_text


class StockLevelFilter(admin.SimpleListFilter):
    title = "stock level"
    parameter_name = "stock_level"

    def lookups(self, request, model_admin):
        low = settings.SHOP_LOW_STOCK_THRESHOLD
        return [
            ("out", "Out of stock"),
            ("low", f"Low (1 to its threshold, default {low})"),
            ("in", "In stock (over its threshold)"),
        ]

    def queryset(self, request, queryset):
        low = low_stock_threshold()  # each product's own, or the shop's
        match self.value():
            case "out":
                return queryset.filter(stock=0)
            case "low":
                return queryset.alias(low=low).filter(stock__gte=1, stock__lte=F("low"))
            case "in":
                return queryset.alias(low=low).filter(stock__gt=F("low"))
        return queryset


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "product_count", "active_product_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                product_count=Count("products"),
                active_product_count=Count("products", filter=Q(products__is_active=True)),
            )
        )

    @admin.display(description="products", ordering="product_count")
    def product_count(self, category: Category) -> int:
        return category.product_count  # type: ignore[attr-defined]  # annotated by the queryset

    @admin.display(description="active", ordering="active_product_count")
    def active_product_count(self, category: Category) -> int:
        return category.active_product_count  # type: ignore[attr-defined]  # annotated


def _image_tag(url: str, size: int) -> str:
    return format_html(
        '<img src="{}" alt="" style="max-width:{}px;max-height:{}px;border-radius:4px">',
        url,
        size,
        size,
    )


class ProductAdminForm(forms.ModelForm):
    # A plain file field: Django's ImageField would decode the upload before the model's
    # validator has read its header (a pixel bomb's size). The services store it cleaned.
    image = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
        ),
        help_text="JPEG, PNG, GIF or WebP. Stored without its metadata (camera, location).",
    )
    # Stock is never a field of the form: new products get a first stock, existing ones are
    # adjusted by a number of units with a reason (product_stock_adjust).
    initial_stock = forms.IntegerField(
        min_value=0, required=False, initial=0, label="Stock", help_text="Units on hand now."
    )
    adjust_by = forms.IntegerField(
        required=False,
        label="Adjust stock by",
        help_text="Units received (e.g. 20) or taken away (e.g. -3); added to the stock as it "
        "is when you save, so sales made meanwhile are kept.",
    )
    adjust_reason = forms.CharField(
        required=False,
        max_length=200,
        validators=[human_text],
        label="Reason",
        help_text="e.g. Delivery from supplier, Damaged, Stock count.",
    )

    class Meta:
        model = Product
        fields = EDITABLE

    def clean(self):
        data = super().clean()
        if data.get("adjust_by") and not (data.get("adjust_reason") or "").strip():
            self.add_error("adjust_reason", "Say why the stock changes.")
        if data.get("adjust_by") == 0:
            self.add_error("adjust_by", "Adjust by at least one unit, or leave it empty.")
        return data


def stock_badge(product: Product) -> str:
    """The stock, red when sold out and amber when at or below its low-stock threshold."""
    if product.stock == 0:
        return status_pill("#c62828", "sold out")
    if product.stock <= product.low_stock_limit:
        return status_pill("#b26b00", f"{product.stock} low")
    return str(product.stock)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "list_thumbnail",
        "sku",
        "name",
        "category",
        "price",
        "stock_display",
        "is_active",
    )
    list_display_links = ("sku", "name")
    # Never stock: an absolute number typed over a page loaded before a sale loses that sale.
    list_editable = ("price", "is_active")
    list_filter = ("category", "is_active", StockLevelFilter)
    list_select_related = ("category",)
    list_per_page = 50
    search_fields = ("name", "sku")
    prepopulated_fields = {"slug": ("name",)}
    form = ProductAdminForm
    readonly_fields = ("stock", "stock_history", "image_preview", "created_at", "updated_at")
    actions = ("activate", "deactivate")
    _spreadsheets = None

    # Import and export (catalog.spreadsheets) load django-import-export, tablib, openpyxl
    # and PyYAML: ~150 ms that no cold start should pay, so they load with the first use.
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        lazy = [
            ("import/", "import_action", "%s_%s_import"),
            ("process_import/", "process_import", "%s_%s_process_import"),
            ("export/", "export_action", "%s_%s_export"),
        ]
        return [
            path(route, self.admin_site.admin_view(self._spreadsheet_view(view)), name=name % info)
            for route, view, name in lazy
        ] + super().get_urls()

    def _spreadsheet_view(self, name: str):
        def view(request, *args, **kwargs):
            if self._spreadsheets is None:
                from catalog.spreadsheets import SpreadsheetsMixin

                spreadsheets = type("ProductSpreadsheets", (SpreadsheetsMixin, type(self)), {})
                self._spreadsheets = spreadsheets(self.model, self.admin_site)
            return getattr(self._spreadsheets, name)(request, *args, **kwargs)

        return view

    def has_spreadsheet_import_permission(self, request) -> bool:
        """Importing adds and changes products: it takes both permissions."""
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        context = {
            "has_import_permission": self.has_spreadsheet_import_permission(request),
            "has_export_permission": self.has_view_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def get_fieldsets(self, request, obj=None):
        stock = (
            ("stock", "adjust_by", "adjust_reason", "low_stock_threshold")
            if obj
            else ("initial_stock", "low_stock_threshold")
        )
        return (
            (None, {"fields": ("name", "slug", "sku", "category", "description")}),
            ("Price and stock", {"fields": ("price", *stock, "is_active")}),
            ("Image", {"fields": ("image", "image_preview")}),
            *((("Stock history", {"fields": ("stock_history",)}),) if obj else ()),
            ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
        )

    @admin.display(description="stock ledger: the last 30 changes, newest first")
    def stock_history(self, product: Product) -> str:
        movements = StockAdjustment.objects.filter(product=product).select_related("by")[:30]
        if not movements:
            return "No stock changes yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td style='text-align:right'>{}</td>"
            "<td style='text-align:right'>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    date_format(timezone.localtime(m.created_at), "SHORT_DATETIME_FORMAT"),
                    m.get_kind_display(),
                    f"{m.delta:+d}",
                    m.stock_after,
                    f"order {m.order_reference}" if m.order_reference else m.reason,
                    m.by.get_username() if m.by else ("-" if m.order_reference else "system"),
                )
                for m in movements
            ),
        )
        return format_html(
            "<table><thead><tr><th>When</th><th>What</th><th>Change</th><th>Stock after</th>"
            "<th>Reason or order</th><th>By</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="stock", ordering="stock")
    def stock_display(self, product: Product) -> str:
        return stock_badge(product)

    @admin.display(description="")
    def list_thumbnail(self, product: Product) -> str:
        return _image_tag(product.thumbnail.url, 48) if product.thumbnail else "-"

    @admin.display(description="preview")
    def image_preview(self, product: Product) -> str:
        if not product.thumbnail:
            return "No image yet."
        return _image_tag(product.thumbnail.url, settings.SHOP_THUMBNAIL_SIZE)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # A refused adjustment says so alone: not beside Django's "changed successfully".
        if level == messages.SUCCESS and getattr(request, "_shop_stock_refused", False):
            return
        super().message_user(request, message, level, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        """Save through the catalog services: the edited fields only, stock by adjustment."""
        if not change:
            data = form.cleaned_data
            created = product_create(
                **{name: data.get(name) for name in EDITABLE if name not in ("image",)},
                stock=data.get("initial_stock") or 0,
                image=data.get("image") or None,
                by=request.user,
            )
            obj.pk = created.pk
            obj.refresh_from_db()
            return
        replaced = str(form.initial.get("image") or "")
        product_update(product=obj, fields=form.changed_data, replaced_image=replaced)
        delta = form.cleaned_data.get("adjust_by")
        if delta:
            try:
                product_stock_adjust(
                    product=obj,
                    delta=delta,
                    reason=form.cleaned_data["adjust_reason"],
                    by=request.user,
                )
            except DomainError as error:
                self.message_user(request, f"Stock not adjusted: {error.message}", messages.ERROR)
                request._shop_stock_refused = True
            else:
                self.message_user(
                    request, f"Stock adjusted by {delta:+d}: now {obj.stock}.", messages.SUCCESS
                )

    @admin.action(description="Show selected products in the shop", permissions=["change"])
    def activate(self, request, queryset):
        changed = product_set_active(products=queryset, active=True)
        self.message_user(request, f"{changed} product(s) now shown in the shop.", messages.SUCCESS)

    @admin.action(description="Hide selected products from the shop", permissions=["change"])
    def deactivate(self, request, queryset):
        changed = product_set_active(products=queryset, active=False)
        self.message_user(request, f"{changed} product(s) now hidden.", messages.SUCCESS)
