from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Q
from django.utils.html import format_html

from catalog.models import Category, Product
from catalog.services import product_set_active, product_thumbnail_update
from catalog.thumbnails import image_clean
from catalog.validators import validate_image_upload


class StockLevelFilter(admin.SimpleListFilter):
    title = "stock level"
    parameter_name = "stock_level"

    def lookups(self, request, model_admin):
        low = settings.SHOP_LOW_STOCK_THRESHOLD
        return [
            ("out", "Out of stock"),
            ("low", f"Low (1 to {low})"),
            ("in", f"In stock (over {low})"),
        ]

    def queryset(self, request, queryset):
        low = settings.SHOP_LOW_STOCK_THRESHOLD
        match self.value():
            case "out":
                return queryset.filter(stock=0)
            case "low":
                return queryset.filter(stock__gte=1, stock__lte=low)
            case "in":
                return queryset.filter(stock__gt=low)
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
    # A plain file field: Django's ImageField would decode the upload before the checks
    # below have read its header (a pixel bomb's size).
    image = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
        ),
        help_text="JPEG, PNG, GIF or WebP. Stored without its metadata (camera, location).",
    )

    class Meta:
        model = Product
        fields = (
            "name",
            "slug",
            "sku",
            "category",
            "description",
            "price",
            "stock",
            "is_active",
            "image",
        )

    def clean_image(self):
        """Check a new upload from its header, then keep it re-encoded without metadata."""
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            validate_image_upload(image)
            return image_clean(image=image)
        return image


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "list_thumbnail",
        "sku",
        "name",
        "category",
        "price",
        "stock",
        "is_active",
        "updated_at",
    )
    list_display_links = ("sku", "name")
    list_editable = ("price", "stock", "is_active")
    list_filter = ("category", "is_active", StockLevelFilter)
    list_select_related = ("category",)
    list_per_page = 50
    search_fields = ("name", "sku")
    prepopulated_fields = {"slug": ("name",)}
    form = ProductAdminForm
    readonly_fields = ("image_preview", "created_at", "updated_at")
    actions = ("activate", "deactivate")
    fieldsets = (
        (None, {"fields": ("name", "slug", "sku", "category", "description")}),
        ("Price and stock", {"fields": ("price", "stock", "is_active")}),
        ("Image", {"fields": ("image", "image_preview")}),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    @admin.display(description="")
    def list_thumbnail(self, product: Product) -> str:
        return _image_tag(product.thumbnail.url, 48) if product.thumbnail else "-"

    @admin.display(description="preview")
    def image_preview(self, product: Product) -> str:
        if not product.thumbnail:
            return "No image yet."
        return _image_tag(product.thumbnail.url, settings.SHOP_THUMBNAIL_SIZE)

    def save_model(self, request, obj, form, change):
        replaced = str(form.initial.get("image") or "") if change else ""
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data:
            product_thumbnail_update(product=obj, replaced_image=replaced)

    @admin.action(description="Show selected products in the shop", permissions=["change"])
    def activate(self, request, queryset):
        changed = product_set_active(products=queryset, active=True)
        self.message_user(request, f"{changed} product(s) now shown in the shop.", messages.SUCCESS)

    @admin.action(description="Hide selected products from the shop", permissions=["change"])
    def deactivate(self, request, queryset):
        changed = product_set_active(products=queryset, active=False)
        self.message_user(request, f"{changed} product(s) now hidden.", messages.SUCCESS)
