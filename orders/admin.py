import csv
from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Sum
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from orders.customers import customer_data, customer_erase, customer_orders
from orders.holds import order_payment_state
from orders.models import (
    STATUS_TRANSITIONS,
    ChangeSource,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
)
from orders.selectors import revenue_sum
from orders.services import order_set_status, order_shipping_correct
from orders.shipping import CARRIER_CHOICES
from shop.admin_widgets import ReadOnlyTabularInline, money_column, status_pill
from shop.errors import DomainError
from shop.models import Customer
from shop.money import money_format
from shop.text import MESSAGE as TEXT_RULE
from shop.text import is_visible_text

# One print run: a day's packing at most (the ids travel in the URL).
PACKING_SLIPS_MAX = 200

STATUS_COLOURS: dict[str, str] = {
    OrderStatus.PLACED: "#b26b00",
    OrderStatus.PAID: "#1f6fb2",
    OrderStatus.SHIPPED: "#6a4fb3",
    OrderStatus.DELIVERED: "#2e7d32",
    OrderStatus.CANCELLED: "#777",
}
STATUS_ACTION_LABELS: dict[str, str] = {
    OrderStatus.PAID: "Mark as paid",
    OrderStatus.SHIPPED: "Mark as shipped",
    OrderStatus.DELIVERED: "Mark as delivered",
    OrderStatus.CANCELLED: "Cancel order (returns stock)",
}


PAYMENT_COLOURS = {
    "awaiting": "#8a6d00",
    "overdue": "#ba2121",
    "paid": "#2e7d32",
    "part_refunded": "#6d4c41",
    "refunded": "#6d4c41",
    "none": "#777",
}


class OrderLineInline(ReadOnlyTabularInline):
    model = OrderLine
    unit_price_money = money_column("unit_price", "unit price")
    line_total_money = money_column("line_total", "line total")
    fields = ("sku", "name", "unit_price_money", "quantity", "line_total_money")
    readonly_fields = fields


class OrderStatusChangeInline(ReadOnlyTabularInline):
    model = OrderStatusChange
    verbose_name_plural = "status history"
    fields = ("created_at", "from_status", "to_status", "changed_by", "note")
    readonly_fields = fields


def _status_action(to_status: str):
    def action(modeladmin, request, queryset):
        modeladmin.status_change(request, queryset.order_by("pk"), to_status)

    action.__name__ = f"mark_{to_status}"
    return admin.action(description=f"{STATUS_ACTION_LABELS[to_status]}", permissions=["change"])(
        action
    )


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    change_form_template = "admin/orders/order/change_form.html"
    list_display = (
        "reference_display",
        "customer",
        "status_badge",
        "payment_state",
        "item_count",
        "total_with_currency",
        "placed",
    )
    list_display_links = ("reference_display",)
    list_filter: ClassVar[tuple[Any, ...]] = ("status",)
    date_hierarchy = "created_at"
    search_fields = ("reference", "email", "customer_name")
    list_per_page = 50
    show_full_result_count = False
    inlines: ClassVar[tuple[type[admin.options.InlineModelAdmin], ...]] = (
        OrderLineInline,
        OrderStatusChangeInline,
    )
    subtotal_money = money_column("subtotal")
    shipping_money = money_column("shipping")
    total_money = money_column("total")
    actions = (
        *(_status_action(status) for status in STATUS_ACTION_LABELS),
        "export_csv",
        "export_lines_csv",
        "print_packing_slips",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "reference",
                    "status",
                    "tracking_number",
                    "created_at",
                    "updated_at",
                    "user",
                )
            },
        ),
        ("Customer", {"fields": ("customer_name", "email", "phone")}),
        (
            "Shipping address",
            {
                "fields": (
                    "shipping_line1",
                    "shipping_line2",
                    "shipping_postal_code",
                    "shipping_city",
                    "shipping_country",
                )
            },
        ),
        ("Totals", {"fields": ("subtotal_money", "shipping_money", "total_money")}),
    )

    # Actions other apps add on selected orders (reports: "request a report"), each with the
    # permission a user needs to see it. Apps above orders register here; orders names none.
    extra_actions: ClassVar[list[tuple[Callable[..., Any], str]]] = []

    # Services other apps put in place of order_set_status for one target status (payments:
    # cancelling refunds what was paid; marking paid records how). Each takes order, by, note
    # and form (the posted fields of the order page; empty for a bulk action).
    status_setters: ClassVar[dict[str, Callable[..., Any]]] = {}

    # Buttons other apps add to the order page (payments: "Refund"): the posted button's
    # name -> a handler(order, by, form) that does the work and returns a message, or raises
    # a DomainError whose message the employee sees.
    page_actions: ClassVar[dict[str, Callable[..., str]]] = {}

    @classmethod
    def register_extra_action(cls, action: Callable[..., Any], *, permission: str) -> None:
        """Offer `action` on the order list to users holding `permission`."""
        cls.extra_actions.append((action, permission))

    def get_actions(self, request):
        actions = super().get_actions(request)
        if IS_POPUP_VAR in request.GET:
            return actions
        for action, permission in self.extra_actions:
            if request.user.has_perm(permission):
                name = action.__name__
                actions[name] = (action, name, action.short_description)
        return actions

    def get_readonly_fields(self, request, obj=None):
        # Orders are records of what was sold: nothing is edited, status moves by the rules.
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Sum("lines__quantity"))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="status", ordering="status")
    def status_badge(self, order: Order) -> str:
        return status_pill(STATUS_COLOURS[order.status], order.get_status_display())

    @admin.display(description="payment")
    def payment_state(self, order: Order) -> str:
        key, label = order_payment_state(order)
        colour = PAYMENT_COLOURS[key]
        return format_html(
            '<span style="color:{};font-weight:bold;white-space:nowrap">{}</span>', colour, label
        )

    @admin.display(description="items", ordering="item_count")
    def item_count(self, order: Order) -> int:
        return order.item_count or 0  # type: ignore[attr-defined]  # annotated by the queryset

    total_with_currency = money_column("total")

    @admin.display(description="reference", ordering="reference")
    def reference_display(self, order: Order) -> str:
        return format_html('<span style="white-space:nowrap">{}</span>', order.reference)

    @admin.display(description="customer", ordering="customer_name")
    def customer(self, order: Order) -> str:
        # Name and email in one cell: the list fits a 1280-pixel screen.
        return format_html(
            '{}<br><span class="quiet" style="font-size:.85em">{}</span>',
            order.customer_name,
            order.email,
        )

    @admin.display(description="placed", ordering="created_at")
    def placed(self, order: Order) -> str:
        return format_html(
            '<span style="white-space:nowrap">{}</span>',
            date_format(timezone.localtime(order.created_at), "DATETIME_FORMAT"),
        )

    def status_change(
        self,
        request,
        orders,
        to_status: str,
        note: str = "",
        tracking_number: str = "",
        carrier: str = "",
        no_tracking: bool = False,
    ) -> None:
        """Move each order through the service and say, per order, what was refused."""
        for label, value in (("Note", note), ("Tracking number", tracking_number)):
            if value and not is_visible_text(value):
                self.message_user(request, f"{label}: {TEXT_RULE} Nothing changed.", messages.ERROR)
                return
        done, refused = [], []
        for order in orders:
            try:
                setter = self.status_setters.get(to_status)
                if setter is not None:
                    form = request.POST if len(orders) == 1 else {}
                    setter(order=order, by=request.user, note=note, form=form)
                else:
                    order_set_status(
                        order=order,
                        status=to_status,
                        by=request.user,
                        note=note,
                        tracking_number=tracking_number,
                        carrier=carrier,
                        no_tracking=no_tracking,
                        source=ChangeSource.ADMIN,
                    )
                done.append(order.reference)
                # The order's History page lists status moves like any other change.
                self.log_change(request, order, f"Status: {to_status}. {note}".strip())
            except DomainError as error:
                refused.append(f"{order.reference}: {error.message}")
        if done:
            self.message_user(
                request,
                f"{len(done)} order(s) now {to_status}: {', '.join(done)}.",
                messages.SUCCESS,
            )
        for reason in refused:
            self.message_user(request, f"Refused {reason}", messages.ERROR)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        transitions = STATUS_TRANSITIONS[order.status] if order else frozenset()
        extra_context = {
            **(extra_context or {}),
            "status_buttons": [
                (status, label)
                for status, label in STATUS_ACTION_LABELS.items()
                if status in transitions
            ],
            "status_buttons_values": [str(status) for status in transitions],
            "carriers": CARRIER_CHOICES,
            "page_actions": list(self.page_actions),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # Status moves come from many places that are not the admin (webhook, expiry job,
        # customers): the History page lists them all, beside the admin's own log.
        changes = OrderStatusChange.objects.filter(order_id=object_id).select_related("changed_by")
        extra_context = {**(extra_context or {}), "status_changes": changes}
        return super().history_view(request, object_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The status buttons bypass the (entirely read-only) form and go to the service.
        to_status = request.POST.get("_set_status") if request.method == "POST" else None
        if object_id and request.method == "POST" and request.POST.get("_set_tracking"):
            return self._tracking_correct(request, object_id)
        posted = [name for name in self.page_actions if request.POST.get(name)]
        if object_id and request.method == "POST" and posted:
            return self._page_action(request, object_id, posted[0])
        if object_id and to_status in STATUS_ACTION_LABELS:
            order = self.get_object(request, object_id)
            if order is None or not self.has_change_permission(request, order):
                raise PermissionDenied
            note = request.POST.get("_note", "")[:500]
            tracking = request.POST.get("_tracking_number", "")
            self.status_change(
                request,
                [order],
                to_status,
                note=note,
                tracking_number=tracking,
                carrier=request.POST.get("_carrier", "") if tracking.strip() else "",
                no_tracking=bool(request.POST.get("_no_tracking")),
            )
            return HttpResponseRedirect(request.path)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _page_action(self, request, object_id, name: str):
        order = self.get_object(request, object_id)
        if order is None or not self.has_change_permission(request, order):
            raise PermissionDenied
        try:
            done = self.page_actions[name](order=order, by=request.user, form=request.POST)
        except DomainError as error:
            self.message_user(request, f"Refused: {error.message}", messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(request.path)

    def _tracking_correct(self, request, object_id):
        order = self.get_object(request, object_id)
        if order is None or not self.has_change_permission(request, order):
            raise PermissionDenied
        tracking = request.POST.get("_correct_tracking", "")
        if tracking and not is_visible_text(tracking):
            self.message_user(request, f"Tracking number: {TEXT_RULE}", messages.ERROR)
            return HttpResponseRedirect(request.path)
        try:
            order_shipping_correct(
                order=order,
                tracking_number=tracking,
                carrier=request.POST.get("_correct_carrier", ""),
                by=request.user,
                resend_email=bool(request.POST.get("_resend_email")),
            )
        except DomainError as error:
            self.message_user(request, f"Not corrected: {error.message}", messages.ERROR)
        else:
            self.message_user(request, "Tracking corrected.", messages.SUCCESS)
        return HttpResponseRedirect(request.path)

    def save_model(self, request, obj, form, change):
        # Every field is read-only; status changes go through order_set_status only.
        pass

    def get_urls(self):
        slips = self.admin_site.admin_view(self.packing_slips_view)
        lines = self.admin_site.admin_view(self.lines_csv_view)
        return [
            path("packing-slips/", slips, name="orders_order_packing_slips"),
            path("lines.csv", lines, name="orders_order_lines_csv"),
            *super().get_urls(),
        ]

    def packing_slips_view(self, request):
        """Printable packing slips (A4, one order a page) for ?ids=1,2,3."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        ids = _ids_asked(request)
        if isinstance(ids, HttpResponse):
            return ids
        orders = list(
            Order.objects.filter(pk__in=ids).prefetch_related("lines").order_by("created_at", "pk")
        )
        if not orders:
            raise Http404("No such orders.")
        return render(
            request,
            "admin/orders/packing_slips.html",
            {
                "orders": [
                    (order, sum(line.quantity for line in order.lines.all())) for order in orders
                ],
                "shop_name": settings.SHOP_NAME,
                "printed_at": timezone.localtime(),
            },
        )

    @admin.action(description="Print packing slips for the selected orders", permissions=["view"])
    def print_packing_slips(self, request, queryset):
        ids = list(queryset.order_by("created_at", "pk").values_list("pk", flat=True))
        if len(ids) > PACKING_SLIPS_MAX:
            self.message_user(
                request,
                f"Select at most {PACKING_SLIPS_MAX} orders to print at once.",
                messages.ERROR,
            )
            return None
        url = reverse("admin:orders_order_packing_slips")
        return HttpResponseRedirect(f"{url}?ids={','.join(map(str, ids))}")

    @admin.action(
        description="Export the selected orders' lines with shipping addresses (CSV)",
        permissions=["view"],
    )
    def export_lines_csv(self, request, queryset):
        """One row per order line, with the full shipping address: what packing needs."""
        return _lines_csv(queryset)

    def lines_csv_view(self, request):
        """The lines export for ?ids=1,2,3 (the order page links to its own)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        ids = _ids_asked(request)
        if isinstance(ids, HttpResponse):
            return ids
        return _lines_csv(Order.objects.filter(pk__in=ids))

    @admin.action(description="Export selected orders to CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response, writer = _csv_download("orders")
        writer.writerow(
            [
                "reference",
                "placed_at",
                "status",
                "customer",
                "email",
                "phone",
                "country",
                "items",
                "subtotal",
                "shipping",
                "total",
                "currency",
            ]
        )
        for order in queryset.order_by("created_at", "pk"):
            writer.writerow(
                [
                    order.reference,
                    order.created_at.isoformat(),
                    order.status,
                    _csv_safe(order.customer_name),
                    order.email,
                    _csv_safe(order.phone),
                    order.shipping_country,
                    order.item_count or 0,
                    order.subtotal,
                    order.shipping,
                    order.total,
                    order.currency,
                ]
            )
        return response


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ would run as a formula when opened in a spreadsheet.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class CustomerOrderInline(admin.TabularInline):
    model = Order
    fk_name = "user"
    verbose_name_plural = "orders (newest first)"
    total_money = money_column("total")
    fields = ("order_link", "status_badge", "total_money", "created_at")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ("-created_at", "-id")
    show_change_link = False

    @admin.display(description="order")
    def order_link(self, order: Order) -> str:
        url = reverse("admin:orders_order_change", args=[order.pk])
        return format_html('<a href="{}">{}</a>', url, order.reference)

    @admin.display(description="status")
    def status_badge(self, order: Order) -> str:
        return status_pill(STATUS_COLOURS[order.status], order.get_status_display())

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    """Customers, apart from staff: who they are, what they bought; no passwords here."""

    list_display = (
        "display_name",
        "email",
        "orders_count",
        "total_spent",
        "last_order",
        "is_active",
    )
    list_filter = ("is_active",)
    search_fields = ("email", "first_name", "last_name")
    list_per_page = 50
    show_full_result_count = False
    fields = ("first_name", "last_name", "email", "is_active", "date_joined", "last_login")
    readonly_fields = ("first_name", "last_name", "email", "date_joined", "last_login")
    inlines = (CustomerOrderInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                orders_count=Count("orders"),
                spent=revenue_sum(prefix="orders__"),
                last_order_at=Max("orders__created_at"),
            )
        )

    def has_add_permission(self, request):
        return False  # customers sign up through Cognito

    def has_delete_permission(self, request, obj=None):
        return False  # their orders are records; deactivate instead

    @admin.display(description="name", ordering="last_name")
    def display_name(self, customer: Customer) -> str:
        # The list's link: a customer without a name opens by their email, never by a "-".
        return customer.get_full_name() or customer.email or customer.username

    @admin.display(description="orders", ordering="orders_count")
    def orders_count(self, customer: Customer) -> int:
        return customer.orders_count  # type: ignore[attr-defined]  # annotated

    @admin.display(description="spent", ordering="spent")
    def total_spent(self, customer: Customer) -> str:
        spent = customer.spent  # type: ignore[attr-defined]  # annotated
        return money_format(spent, settings.SHOP_CURRENCY) if spent else "-"

    @admin.display(description="last order", ordering="last_order_at")
    def last_order(self, customer: Customer):
        return customer.last_order_at or "-"  # type: ignore[attr-defined]  # annotated

    def get_urls(self):
        data = self.admin_site.admin_view(self.data_view)
        erase = self.admin_site.admin_view(self.erase_view)
        return [
            path("<path:object_id>/data/", data, name="shop_customer_data"),
            path("<path:object_id>/erase/", erase, name="shop_customer_erase"),
            *super().get_urls(),
        ]

    def _customer(self, request, object_id, *, change: bool) -> Customer:
        customer = self.get_object(request, object_id)
        if customer is None:
            raise Http404("No such customer.")
        allowed = self.has_change_permission if change else self.has_view_permission
        if not allowed(request, customer):
            raise PermissionDenied
        return customer

    def data_view(self, request, object_id):
        """Everything the shop holds about the customer, as a JSON download; in history."""
        customer = self._customer(request, object_id, change=False)
        data = customer_data(customer=customer)
        self.log_change(request, customer, "Downloaded their data (JSON).")
        response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = (
            f'attachment; filename="customer-{customer.pk}-data-{stamp}.json"'
        )
        return response

    def erase_view(self, request, object_id):
        """Erase their personal data: a page that says what happens, then the POST doing it."""
        customer = self._customer(request, object_id, change=True)
        change_url = reverse("admin:shop_customer_change", args=[customer.pk])
        if request.method == "POST":
            erased = customer_erase(customer=customer, by=request.user)
            summary = (
                f"Erased on request: personal data replaced in {erased.orders} order(s), "
                f"{erased.addresses} address(es) deleted, {erased.emails} email(s) emptied; "
                "account deactivated."
            )
            self.log_change(request, customer, summary)
            self.message_user(request, summary, messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        orders = customer_orders(customer)
        context = {
            **self.admin_site.each_context(request),
            "title": "Erase this customer's personal data?",
            "opts": self.opts,
            "original": customer,
            "customer": customer,
            "orders": orders.count(),
            "addresses": customer.addresses.count(),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/shop/customer/erase.html", context)


def _csv_download(name: str) -> tuple[HttpResponse, Any]:
    """A CSV attachment named `name`-<date-time>.csv, and a writer into it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response, csv.writer(response)


def _lines_csv(queryset) -> HttpResponse:
    """One row per order line of `queryset`, with the full shipping address."""
    response, writer = _csv_download("order-lines")
    writer.writerow(
        [
            "reference",
            "placed_at",
            "status",
            "customer",
            "email",
            "phone",
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "country",
            "sku",
            "product",
            "quantity",
            "unit_price",
            "line_total",
            "currency",
        ]
    )
    lines = (
        OrderLine.objects.filter(order__in=queryset)
        .select_related("order")
        .order_by("order__created_at", "order__pk", "pk")
    )
    for line in lines.iterator(chunk_size=2000):
        order = line.order
        writer.writerow(
            [
                order.reference,
                order.created_at.isoformat(),
                order.status,
                *(
                    _csv_safe(value)
                    for value in (
                        order.customer_name,
                        order.email,
                        order.phone,
                        order.shipping_line1,
                        order.shipping_line2,
                        order.shipping_postal_code,
                        order.shipping_city,
                    )
                ),
                order.shipping_country,
                _csv_safe(line.sku),
                _csv_safe(line.name),
                line.quantity,
                line.unit_price,
                line.line_total,
                order.currency,
            ]
        )
    return response


def _ids_asked(request) -> list[int] | HttpResponse:
    """The order ids of ?ids=1,2,3 (at most PACKING_SLIPS_MAX), or the 400 that says why not."""
    try:
        ids = [int(part) for part in request.GET.get("ids", "").split(",") if part.strip()]
    except ValueError:
        return HttpResponseBadRequest("ids: order ids separated by commas.")
    if not ids or len(ids) > PACKING_SLIPS_MAX:
        return HttpResponseBadRequest(f"ids: 1 to {PACKING_SLIPS_MAX} order ids.")
    return ids
