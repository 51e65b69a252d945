"""What the payment services share: payment states, their locks, the window to pay."""

from datetime import datetime, timedelta

from django.conf import settings

from orders.models import Order
from payments.models import Payment, PaymentStatus
from shop.retry import backoff

# Payments whose intent may still be paid at the provider, so a cancel closes them there.
OPEN = (PaymentStatus.REQUIRES_PAYMENT, PaymentStatus.FAILED)
# Payments no later event may change: the money arrived (and may have gone back).
SETTLED = (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED)


def payments_lock(order: Order) -> list[Payment]:
    """Lock an order's payments, in primary-key order; the order's row must be locked first
    (orders.locks.order_lock: the lock order of docs/design.md)."""
    return list(Payment.objects.select_for_update().filter(order=order).order_by("pk"))


def payment_window_end(order: Order) -> datetime:
    """Return when an unpaid order stops holding its stock."""
    return order.created_at + timedelta(minutes=settings.SHOP_PAYMENT_WINDOW_MINUTES)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before trying the provider again after `attempts` tries."""
    return backoff(attempts, max_minutes=settings.SHOP_PROVIDER_RETRY_MAX_MINUTES)
