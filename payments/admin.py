from decimal import InvalidOperation

from django.conf import settings
from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from orders.admin import OrderAdmin
from orders.customers import customer_data_section_register
from orders.holds import orders_past_hold
from orders.models import OrderStatus
from orders.selectors import REVENUE_STATUSES
from payments.customers import customer_payments
from payments.errors import RefundRefused
from payments.models import Payment, PaymentStatus, Refund, RefundStatus, WebhookEvent
from payments.services import (
    order_cancel,
    order_refund,
    payment_record_manual,
)
from shop.admin_widgets import ReadOnlyTabularInline, money_column
from shop.money import money_format, money_round


class PaymentInline(ReadOnlyTabularInline):
    model = Payment
    amount_money = money_column("amount")
    fields = (
        "created_at",
        "provider",
        "at_provider",
        "amount_money",
        "status",
        "refunds",
        "error",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("refunds__refunded_by")

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
            "{} refunded {} by {}: {}{}",
            (
                (
                    money_format(r.amount, payment.currency),
                    date_format(r.created_at, "SHORT_DATE_FORMAT"),
                    r.refunded_by.get_username() if r.refunded_by else "the shop",
                    r.reason,
                    "" if r.status == RefundStatus.SUCCEEDED else f" ({r.get_status_display()})",
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
            ("refund_pending", "Refund waiting for the provider"),
            ("refund_refused", "Refund refused: settle by hand"),
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
            case "refund_pending" | "refund_refused":
                state = RefundStatus.PENDING if self.value() == "refund_pending" else "failed"
                refunds = Refund.objects.filter(payment__order=OuterRef("pk"), status=state)
                return queryset.filter(Exists(refunds))
        return queryset


# Payments build on orders: the order page shows its payments through this inline, the list
# filters by payment, and cancelling an order in the admin gives back what was paid.
def _cancel(*, order, by, note, form):
    return order_cancel(order=order, by=by, note=note)


def _mark_paid(*, order, by, note, form):
    """Money received outside Stripe: confirmed, with its method and reference."""
    return payment_record_manual(
        order=order,
        method=form.get("_payment_method", ""),
        reference=form.get("_payment_reference", ""),
        confirmed=form.get("_confirm_paid") == "1",
        by=by,
        note=note,
    )


def _refund(*, order, by, form) -> str:
    """A partial refund from the order page: chosen lines, or an amount."""
    if form.get("_confirm_refund") != "1":
        raise RefundRefused("Tick the confirmation to give money back.")
    line_ids = [int(pk) for pk in form.getlist("_refund_line") if pk.isascii() and pk.isdigit()]
    raw = form.get("_refund_amount", "").strip()
    amount = None
    if not line_ids:
        try:
            amount = money_round(raw)
        except (InvalidOperation, ValueError):
            raise RefundRefused("Give an amount such as 12.50, or choose lines.") from None
    refund = order_refund(
        order=order,
        amount=amount,
        line_ids=line_ids,
        reason=form.get("_refund_reason", ""),
        by=by,
    )
    if refund.status == RefundStatus.PENDING:
        return (
            f"Refund of {refund.amount} {order.currency} written; the payment provider did not "
            "answer, so it is sent again automatically and the customer emailed once it is back."
        )
    return f"Refunded {refund.amount} {order.currency}; the customer is emailed."


OrderAdmin.inlines = (*OrderAdmin.inlines, PaymentInline)
OrderAdmin.list_filter = (*OrderAdmin.list_filter, PaymentStateFilter)
OrderAdmin.status_setters[OrderStatus.CANCELLED] = _cancel
OrderAdmin.status_setters[OrderStatus.PAID] = _mark_paid
OrderAdmin.page_actions["_refund"] = _refund
# A customer's data on request includes their payments and refunds.
customer_data_section_register("payments", customer_payments)


class RefundInline(ReadOnlyTabularInline):
    model = Refund
    amount_money = money_column("amount")
    fields = ("created_at", "provider_id", "amount_money", "reason", "status", "attempts", "error")
    readonly_fields = fields


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("created_at", "order", "provider", "amount_display", "status")
    list_filter = ("status", "provider")
    search_fields = ("order__reference", "provider_id", "order__email")
    list_select_related = ("order",)
    inlines = (RefundInline,)
    exclude = ("client_secret",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Payment._meta.fields if f.name != "client_secret"]

    amount_display = money_column("amount")

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
