from django.contrib import admin

from orders.admin import OrderAdmin
from orders.models import OrderStatus
from payments.models import Payment, Refund, WebhookEvent
from payments.services import order_cancel
from shop.admin_widgets import ReadOnlyTabularInline


class PaymentInline(ReadOnlyTabularInline):
    model = Payment
    fields = ("created_at", "provider", "provider_id", "amount", "currency", "status", "error")
    readonly_fields = fields


# Payments build on orders: the order page shows its payments through this inline, and
# cancelling an order in the admin gives back what was paid.
OrderAdmin.inlines = (*OrderAdmin.inlines, PaymentInline)
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
