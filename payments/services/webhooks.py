"""The provider's events: verified, handled once, in the lock order, refunds sent after.

A handler finds the order of the event's payment without a lock, then locks the Order, then
the Payment (docs/design.md, "Locks"): the same order as cancels, expiry and refunds, so an
event and a cancel of the same order wait for each other instead of deadlocking.
"""

import logging
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Subquery

from orders.errors import InsufficientStock, ProductUnavailable
from orders.locks import order_lock
from orders.models import ChangeSource, Order, OrderStatus
from orders.services import order_reinstate_paid, order_set_status
from payments.emails import payment_email_queue
from payments.models import Payment, PaymentStatus, Refund, WebhookEvent
from payments.providers import Event, provider
from payments.services.common import OPEN, SETTLED
from payments.services.refunds import refund_reserve, refunds_send
from shop.db import conflict_retried
from shop.money import to_minor_units

logger = logging.getLogger(__name__)


class Handled(NamedTuple):
    outcome: str
    refunds: list[Refund] = []  # written by the handler, sent after the commit


def _locked(event: Event, name: str) -> tuple[Order, Payment] | None:
    """The event's order and payment, locked in that order; None for an unknown intent."""
    of_intent = Payment.objects.filter(provider=name, provider_id=event.intent_id)
    try:
        # The order found through the payment, whose row is read here but not locked.
        order = order_lock(Subquery(of_intent.values("order_id")[:1]))
    except Order.DoesNotExist:
        return None
    return order, of_intent.select_for_update().get()


def _cancelled_by_expiry(order: Order) -> bool:
    last = (
        order.status_changes.filter(to_status=OrderStatus.CANCELLED)
        .order_by("-created_at", "-pk")
        .values_list("source", flat=True)
        .first()
    )
    return last == ChangeSource.EXPIRY


def _give_back(payment: Payment, reason: str, notify: str, outcome: str) -> Handled:
    # A payment the order did not need: its money never counted as revenue.
    refund = refund_reserve(
        payment=payment, amount=payment.amount, reason=reason, of_revenue=False, notify=notify
    )
    return Handled(outcome, [refund])


def _on_succeeded(event: Event, name: str) -> Handled:
    locked = _locked(event, name)
    if locked is None:
        logger.error("Payment succeeded for an unknown intent %s", event.intent_id)
        return Handled(f"unknown intent {event.intent_id}: ignored")
    order, payment = locked
    if payment.status in SETTLED:
        # Whatever this event says (a mismatch included), a settled payment stays as it is.
        return Handled(f"payment already {payment.status}")
    expected = (to_minor_units(order.total), order.currency.lower())
    if (event.amount_minor, event.currency.lower()) != expected:
        payment.error = (
            f"Paid {event.amount_minor} {event.currency.upper()} (minor units), "
            f"but the order is {expected[0]} {expected[1].upper()}."
        )[:500]
        payment.save(update_fields=["error", "updated_at"])
        logger.error("Payment %s does not match order %s: %s", payment, order, payment.error)
        return Handled("amount or currency mismatch: the order stays unpaid")
    payment.status = PaymentStatus.SUCCEEDED
    payment.error = ""
    payment.save(update_fields=["status", "error", "updated_at"])
    if order.status == OrderStatus.PLACED:
        order_set_status(
            order=order,
            status=OrderStatus.PAID,
            note=f"Paid ({payment})",
            source=ChangeSource.PAYMENT,
        )
        return Handled("order paid")
    if order.status == OrderStatus.CANCELLED and not _cancelled_by_expiry(order):
        # The customer or an employee cancelled it: they do not want it any more.
        return _give_back(
            payment,
            "Paid after the order was cancelled.",
            "cancelled_refunded",
            "payment of a cancelled order refunded",
        )
    if order.status == OrderStatus.CANCELLED:
        try:
            order_reinstate_paid(
                order=order, note=f"Paid after the payment window closed ({payment})"
            )
        except (InsufficientStock, ProductUnavailable):
            return _give_back(
                payment,
                "Paid after the order expired; its stock was sold meanwhile.",
                "late_refunded",
                "late payment refunded: the stock is gone",
            )
        payment_email_queue(payment, "late_accepted")
        return Handled("late payment accepted: the order is paid again")
    # Paid twice (two intents of one order both went through): give the second one back.
    return _give_back(
        payment,
        f"The order was already {order.status} when this payment arrived.",
        "duplicate_refunded",
        "second payment of a paid order refunded",
    )


def _on_failed(event: Event, name: str) -> Handled:
    locked = _locked(event, name)
    if locked is None:
        return Handled(f"unknown intent {event.intent_id}: ignored")
    _, payment = locked
    if payment.status not in OPEN:
        # A failure reported after the payment succeeded (events arrive in any order), was
        # refunded or cancelled changes nothing: its status and error stay as they are.
        return Handled(f"payment already {payment.status}: failure ignored")
    if payment.status == PaymentStatus.REQUIRES_PAYMENT:
        payment.status = PaymentStatus.FAILED
    payment.error = event.error or "The payment failed."
    payment.save(update_fields=["status", "error", "updated_at"])
    return Handled("payment failure recorded")


HANDLERS = {
    "payment_intent.succeeded": _on_succeeded,
    "payment_intent.payment_failed": _on_failed,
}


@conflict_retried
def webhook_receive(*, payload: bytes, signature: str) -> str:
    """Verify and handle one provider event, once; return what was done.

    A bad signature or body raises InvalidWebhook and writes nothing. A redelivered event
    (same id) is acknowledged and not handled again. Event types the shop does not use are
    acknowledged and ignored. Anything that fails rolls back, so the provider's retry of
    the same event runs it afresh. A refund the event calls for is sent after the commit.
    """
    chosen = provider()
    event = chosen.event_read(payload=payload, signature=signature)
    with transaction.atomic(durable=True):
        try:
            # Inserted first: a concurrent delivery of the same event waits on this row's
            # unique key until the first commits, then finds it handled.
            with transaction.atomic():
                record = WebhookEvent.objects.create(
                    provider=chosen.name, event_id=event.id, type=event.type
                )
        except IntegrityError:
            return "duplicate event: already handled"
        handler = HANDLERS.get(event.type)
        handled = (
            handler(event, chosen.name) if handler else Handled("event type not used: ignored")
        )
        record.outcome = handled.outcome[:500]
        record.save(update_fields=["outcome"])
    # Committed: the locks are released before the provider is called.
    refunds_send(handled.refunds)
    logger.info("Webhook %s %s: %s", event.type, event.id, handled.outcome)
    return handled.outcome
