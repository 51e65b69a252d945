"""Cancelling orders with their money: refunds and closed intents, never a call under a lock.

The provider hears of a cancel outside the transaction that makes it: open intents are
cancelled before the order is locked (one paid meanwhile stops the cancel), refunds are
written under the lock and sent after the commit (payments.services.refunds).
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.models import StockKind
from orders.holds import order_hold_end, orders_past_hold
from orders.locks import order_lock
from orders.models import ChangeSource, Order, OrderStatus
from orders.services import order_set_status
from payments.errors import PaymentArrived
from payments.models import PaymentStatus, Refund
from payments.services.common import payments_lock
from payments.services.intents import intents_close, intents_precancel, payments_cancel
from payments.services.refunds import refund_left, refund_reserve, refunds_send
from shop.db import conflict_retried
from shop.models import User

logger = logging.getLogger(__name__)


@conflict_retried
def order_cancel(
    *, order: Order, by: User | None = None, note: str = "", source: str = ChangeSource.ADMIN
) -> Order:
    """Cancel an order and give back what was paid: refunds, open intents cancelled.

    The stock comes back through order_set_status. If an open intent turns out to have been
    paid meanwhile, nothing changes and PaymentArrived asks to try again once it is in.
    """
    closed = intents_precancel(order)
    with transaction.atomic(durable=True):
        locked = order_lock(order.pk)
        payments = payments_lock(locked)
        to_close: list[int] = []
        refunds: list[Refund] = []
        if locked.status in (OrderStatus.PLACED, OrderStatus.PAID):
            to_close = payments_cancel(payments, closed=closed)
            left = {
                payment.pk: refund_left(payment)
                for payment in payments
                if payment.status == PaymentStatus.SUCCEEDED
            }
            refunds = [
                refund_reserve(
                    payment=payment,
                    amount=left[payment.pk],
                    reason=note or "The order was cancelled.",
                )
                for payment in payments
                if left.get(payment.pk, 0) > 0
            ]
        # Refused here, with the usual message, when the order cannot be cancelled.
        cancelled = order_set_status(
            order=locked, status=OrderStatus.CANCELLED, by=by, note=note, source=source
        )
    # Committed: the locks are released before the provider is called.
    intents_close(to_close)
    refunds_send(refunds)
    return cancelled


def _due(order: Order) -> bool:
    return order.status == OrderStatus.PLACED and timezone.now() >= order_hold_end(order)


@conflict_retried
def order_expire(*, order_id: int) -> str:
    """Cancel one unpaid order past its window: its intents at the provider, then the order.

    If an intent turns out to have succeeded meanwhile, the order is left for that payment's
    event to mark paid.
    """
    order = Order.objects.get(pk=order_id)
    if not _due(order):
        return "not due"
    try:
        closed = intents_precancel(order)
    except PaymentArrived:
        return "paid meanwhile: left for the payment's event"
    with transaction.atomic(durable=True):
        order = order_lock(order_id)
        if not _due(order):
            return "not due"
        to_close = payments_cancel(payments_lock(order), closed=closed)
        if order.user_id is None and order.payment_started_at is None:
            minutes, what = settings.SHOP_UNSTARTED_PAYMENT_MINUTES, "Payment not started"
        else:
            minutes, what = settings.SHOP_PAYMENT_WINDOW_MINUTES, "Not paid"
        order_set_status(
            order=order,
            status=OrderStatus.CANCELLED,
            note=f"{what} within {minutes} minutes",
            stock_kind=StockKind.EXPIRY,
            source=ChangeSource.EXPIRY,
        )
    intents_close(to_close)
    return "cancelled"


def orders_expire(*, limit: int = 500) -> int:
    """Cancel unpaid orders whose hold has ended (orders.holds: past the payment window, or a
    guest's whose payment never started), oldest first, each on its own; return how many."""
    due = orders_past_hold()
    cancelled = 0
    for order_id in due.values_list("pk", flat=True)[:limit]:
        try:
            if order_expire(order_id=order_id) == "cancelled":
                cancelled += 1
        except Exception:
            # One order that cannot be expired now must not hold up the others; the next
            # run tries it again.
            logger.exception("Could not expire order %s", order_id)
    return cancelled
