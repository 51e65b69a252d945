from django.conf import settings
from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from orders.admin import OrderAdmin
from orders.holds import orders_past_hold
from orders.models import OrderStatus
from orders.selectors import REVENUE_STATUSES
from payments.models import Payment, PaymentStatus, Refund, WebhookEvent
from payments.services import order_cancel
from shop.admin_widgets import ReadOnlyTabularInline


class PaymentInline(ReadOnlyTabularInline):
    model = Payment
    fields = ("created_at", "provider", "at_provider", "amount", "status", "refunds", "error")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("refunds")

    @admin.display(description="at the provider")
    def at_provider(self, payment: Payment) -> str:
        url = stripe_dashboard_url(payment)
        if not url:
            return payment.provider_id
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', url, payment.provider_id
        )

    @admin.display(description="refunds")
    def refunds(self, payment: Payment) -> str:
        given = list(payment.refunds.all())
        if not given:
            return "-"
        return format_html_join(
            mark_safe("<br>"),  # a constant
            "{} {} ({}: {})",
            (
                (
                    r.amount,
                    payment.currency,
                    date_format(r.created_at, "SHORT_DATE_FORMAT"),
                    r.reason,
                )
                for r in given
            ),
        )


def stripe_dashboard_url(payment: Payment) -> str:
    """The payment's page in the Stripe dashboard (test mode with a test key); "" elsewhere."""
    if payment.provider != "stripe" or not payment.provider_id.startswith("pi_"):
        return ""
    mode = "test/" if settings.STRIPE_SECRET_KEY.startswith(("sk_test_", "rk_test_")) else ""
    return f"https://dashboard.stripe.com/{mode}payments/{payment.provider_id}"


class PaymentStateFilter(admin.SimpleListFilter):
    """The order list by where its money stands."""

    title = "payment"
    parameter_name = "payment"

    def lookups(self, request, model_admin):
        return [
            ("awaiting", "Awaiting payment"),
            ("overdue", "Overdue (past its window)"),
            ("paid", "Paid"),
            ("refunded", "Refunded (in part or whole)"),
            ("failed", "Payment failed, not paid"),
        ]

    def queryset(self, request, queryset):
        overdue = orders_past_hold().values("pk")
        placed = queryset.filter(status=OrderStatus.PLACED)
        match self.value():
            case "awaiting":
                return placed.exclude(pk__in=overdue)
            case "overdue":
                return placed.filter(pk__in=overdue)
            case "paid":
                return queryset.filter(status__in=REVENUE_STATUSES, refunded_total=0)
            case "refunded":
                return queryset.filter(refunded_total__gt=0)
            case "failed":
                failed = Payment.objects.filter(order=OuterRef("pk"), status=PaymentStatus.FAILED)
                return placed.filter(Exists(failed))
        return queryset


# Payments build on orders: the order page shows its payments through this inline, the list
# filters by payment, and cancelling an order in the admin gives back what was paid.
OrderAdmin.inlines = (*OrderAdmin.inlines, PaymentInline)
OrderAdmin.list_filter = (*OrderAdmin.list_filter, PaymentStateFilter)
OrderAdmin.status_setters[OrderStatus.CANCELLED] = order_cancel


class RefundInline(ReadOnlyTabularInline):
    model = Refund
    fields = ("created_at", "provider_id", "amount", "reason")
    readonly_fields = fields


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("created_at", "order", "provider", "amount", "currency", "status")
    list_filter = ("status", "provider")
    search_fields = ("order__reference", "provider_id", "order__email")
    list_select_related = ("order",)
    inlines = (RefundInline,)
    exclude = ("client_secret",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Payment._meta.fields if f.name != "client_secret"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "provider", "type", "event_id", "outcome")
    list_filter = ("provider", "type")
    search_fields = ("event_id",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
