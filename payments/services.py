"""Writes on payments: starting one, handling the provider's events, expiring unpaid orders."""

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from catalog.models import StockKind
from orders.errors import InsufficientStock, ProductUnavailable
from orders.holds import order_hold_end, orders_past_hold
from orders.models import ChangeSource, Order, OrderStatus
from orders.selectors import REVENUE_STATUSES
from orders.services import order_history_note, order_reinstate_paid, order_set_status
from payments.errors import (
    ManualPaymentIncomplete,
    OrderNotPayable,
    PaymentArrived,
    RefundRefused,
)
from payments.models import Payment, PaymentStatus, Refund, WebhookEvent
from payments.providers import Event, provider
from shop.background import task_after_commit
from shop.models import User
from shop.money import to_minor_units

logger = logging.getLogger(__name__)

# Payments whose intent may still be paid at the provider, so expiry cancels them there.
OPEN = (PaymentStatus.REQUIRES_PAYMENT, PaymentStatus.FAILED)
# Payments no later event may change: the money arrived (and may have gone back).
SETTLED = (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED)


def payment_window_end(order: Order) -> datetime:
    """Return when an unpaid order stops holding its stock."""
    return order.created_at + timedelta(minutes=settings.SHOP_PAYMENT_WINDOW_MINUTES)


def payment_start(*, order: Order) -> tuple[Payment, bool]:
    """Return the order's open payment, or create one at the provider; True if created.

    The provider's idempotency key is derived from the order and the attempt, so a retry
    after a lost answer never makes a second intent. Placement never calls the provider.
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != OrderStatus.PLACED:
            raise OrderNotPayable(
                f"An order that is {locked.get_status_display().lower()} cannot be paid.",
                details={"reference": locked.reference, "status": locked.status},
            )
        if timezone.now() >= order_hold_end(locked):
            raise OrderNotPayable(
                "The time to pay this order is over; it is being cancelled.",
                details={"reference": locked.reference},
            )
        current = Payment.objects.filter(
            order=locked, status=PaymentStatus.REQUIRES_PAYMENT
        ).first()
        if current is not None:
            return current, False
        attempt = Payment.objects.filter(order=locked).count() + 1
        chosen = provider()
        intent = chosen.intent_create(
            amount_minor=to_minor_units(locked.total),
            currency=locked.currency,
            reference=locked.reference,
            idempotency_key=f"shop-order-{locked.reference}-payment-{attempt}",
        )
        if locked.payment_started_at is None:
            # From now on the order keeps its whole payment window (orders.holds).
            locked.payment_started_at = timezone.now()
            locked.save(update_fields=["payment_started_at", "updated_at"])
        payment = Payment.objects.create(
            order=locked,
            provider=chosen.name,
            provider_id=intent.id,
            attempt=attempt,
            amount=locked.total,
            currency=locked.currency,
            client_secret=intent.client_secret,
        )
        return payment, True


def _refund(payment: Payment, reason: str, *, of_revenue: bool = True) -> Refund:
    """Give the whole payment back at the provider and record it.

    `of_revenue`: the money paid for the order (its revenue shrinks); not for a second,
    duplicate payment, which never counted.
    """
    refund_id = provider().refund_create(
        intent_id=payment.provider_id,
        amount_minor=to_minor_units(payment.amount),
        idempotency_key=f"shop-payment-{payment.pk}-refund",
    )
    payment.status = PaymentStatus.REFUNDED
    payment.save(update_fields=["status", "updated_at"])
    if of_revenue:
        # Revenue counts an order's total less what was refunded (orders.selectors.revenue_sum).
        Order.objects.filter(pk=payment.order_id).update(
            refunded_total=F("refunded_total") + payment.amount
        )
    return Refund.objects.create(
        payment=payment, provider_id=refund_id, amount=payment.amount, reason=reason
    )


def _payment_locked(event: Event, name: str) -> Payment | None:
    """The payment an event is about, locked; None for an intent this shop did not make."""
    return (
        Payment.objects.select_for_update()
        .filter(provider=name, provider_id=event.intent_id)
        .first()
    )


def _on_succeeded(event: Event, name: str) -> str:
    payment = _payment_locked(event, name)
    if payment is None:
        logger.error("Payment succeeded for an unknown intent %s", event.intent_id)
        return f"unknown intent {event.intent_id}: ignored"
    if payment.status in SETTLED:
        # Whatever this event says (a mismatch included), a settled payment stays as it is.
        return f"payment already {payment.status}"
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    expected = (to_minor_units(order.total), order.currency.lower())
    if (event.amount_minor, event.currency.lower()) != expected:
        payment.error = (
            f"Paid {event.amount_minor} {event.currency.upper()} (minor units), "
            f"but the order is {expected[0]} {expected[1].upper()}."
        )[:500]
        payment.save(update_fields=["error", "updated_at"])
        logger.error("Payment %s does not match order %s: %s", payment, order, payment.error)
        return "amount or currency mismatch: the order stays unpaid"
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
        return "order paid"
    if order.status == OrderStatus.CANCELLED:
        try:
            order_reinstate_paid(
                order=order, note=f"Paid after the payment window closed ({payment})"
            )
        except (InsufficientStock, ProductUnavailable):
            _refund(
                payment,
                "Paid after the order expired; its stock was sold meanwhile.",
                of_revenue=False,
            )
            task_after_commit("payments.tasks.payment_email_task", payment.pk, "late_refunded")
            return "late payment refunded: the stock is gone"
        task_after_commit("payments.tasks.payment_email_task", payment.pk, "late_accepted")
        return "late payment accepted: the order is paid again"
    # Paid twice (two intents of one order both went through): give the second one back.
    _refund(
        payment,
        f"The order was already {order.status} when this payment arrived.",
        of_revenue=False,
    )
    task_after_commit("payments.tasks.payment_email_task", payment.pk, "duplicate_refunded")
    return "second payment of a paid order refunded"


def _on_failed(event: Event, name: str) -> str:
    payment = _payment_locked(event, name)
    if payment is None:
        return f"unknown intent {event.intent_id}: ignored"
    if payment.status not in OPEN:
        # A failure reported after the payment succeeded (events arrive in any order), was
        # refunded or cancelled changes nothing: its status and error stay as they are.
        return f"payment already {payment.status}: failure ignored"
    if payment.status == PaymentStatus.REQUIRES_PAYMENT:
        payment.status = PaymentStatus.FAILED
    payment.error = event.error or "The payment failed."
    payment.save(update_fields=["status", "error", "updated_at"])
    return "payment failure recorded"


HANDLERS = {
    "payment_intent.succeeded": _on_succeeded,
    "payment_intent.payment_failed": _on_failed,
}


def webhook_receive(*, payload: bytes, signature: str) -> str:
    """Verify and handle one provider event, once; return what was done.

    A bad signature or body raises InvalidWebhook and writes nothing. A redelivered event
    (same id) is acknowledged and not handled again. Event types the shop does not use are
    acknowledged and ignored. Anything that fails rolls back, so the provider's retry of
    the same event runs it afresh.
    """
    chosen = provider()
    event = chosen.event_read(payload=payload, signature=signature)
    with transaction.atomic():
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
        outcome = handler(event, chosen.name) if handler else "event type not used: ignored"
        record.outcome = outcome[:500]
        record.save(update_fields=["outcome"])
    logger.info("Webhook %s %s: %s", event.type, event.id, outcome)
    return outcome


def order_cancel(
    *, order: Order, by: User | None = None, note: str = "", source: str = ChangeSource.ADMIN
) -> Order:
    """Cancel an order and give back what was paid: refunds, open intents cancelled.

    The stock comes back through order_set_status. If an open intent turns out to have been
    paid meanwhile, nothing changes and PaymentArrived asks to try again once it is in.
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status in (OrderStatus.PLACED, OrderStatus.PAID):
            for payment in Payment.objects.select_for_update().filter(
                order=locked, status__in=OPEN
            ):
                if provider().intent_cancel(intent_id=payment.provider_id) == "succeeded":
                    raise PaymentArrived(details={"reference": locked.reference})
                payment.status = PaymentStatus.CANCELLED
                payment.save(update_fields=["status", "updated_at"])
            paid = Payment.objects.select_for_update().filter(
                order=locked, status=PaymentStatus.SUCCEEDED
            )
            for payment in paid:
                _refund(payment, note or "The order was cancelled.")
        # Refused here, with the usual message, when the order cannot be cancelled.
        return order_set_status(
            order=locked, status=OrderStatus.CANCELLED, by=by, note=note, source=source
        )


def order_expire(*, order_id: int) -> str:
    """Cancel one unpaid order past its window: its intents at the provider, then the order.

    If an intent turns out to have succeeded meanwhile, the order is left for that payment's
    event to mark paid.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status != OrderStatus.PLACED or timezone.now() < order_hold_end(order):
            return "not due"
        for payment in Payment.objects.filter(order=order, status__in=OPEN):
            state = provider().intent_cancel(intent_id=payment.provider_id)
            if state == "succeeded":
                return "paid meanwhile: left for the payment's event"
            payment.status = PaymentStatus.CANCELLED
            payment.save(update_fields=["status", "updated_at"])
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
            # One order the provider will not cancel now must not hold up the others; the
            # next run tries it again.
            logger.exception("Could not expire order %s", order_id)
    return cancelled


MANUAL_METHODS = {"bank_transfer": "Bank transfer", "cash": "Cash", "other": "Other"}


def payment_record_manual(
    *, order: Order, method: str, reference: str, by: User, confirmed: bool, note: str = ""
) -> Payment:
    """Record money received outside Stripe (a bank transfer, cash) and mark the order paid.

    An employee must confirm it and say how and with which reference it was paid; the
    payment is recorded with who and when, like the provider's.
    """
    reference = reference.strip()[:120]
    if not confirmed or method not in MANUAL_METHODS or not reference:
        raise ManualPaymentIncomplete(details={"methods": sorted(MANUAL_METHODS)})
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != OrderStatus.PLACED:
            raise OrderNotPayable(
                f"An order that is {locked.get_status_display().lower()} cannot be paid.",
                details={"reference": locked.reference, "status": locked.status},
            )
        attempt = Payment.objects.filter(order=locked).count() + 1
        payment = Payment.objects.create(
            order=locked,
            provider="manual",
            provider_id=f"{method}:{reference}:{locked.reference}:{attempt}"[:255],
            attempt=attempt,
            amount=locked.total,
            currency=locked.currency,
            status=PaymentStatus.SUCCEEDED,
            recorded_by=by,
        )
        order_set_status(
            order=locked,
            status=OrderStatus.PAID,
            by=by,
            note=f"Paid by {MANUAL_METHODS[method].lower()}, reference {reference}. {note}".strip(),
            source=ChangeSource.ADMIN,
        )
        return payment


def order_refund(
    *,
    order: Order,
    reason: str,
    by: User | None = None,
    amount: Decimal | None = None,
    line_ids: list[int] | None = None,
) -> Refund:
    """Give back part of what was paid for an order: an amount, or chosen lines' totals.

    Through the provider first: if it refuses (Stripe's message is in the error), nothing
    changes here. Recorded as a Refund, taken off revenue (Order.refunded_total), emailed.
    """
    reason = reason.strip()[:200]
    if not reason:
        raise RefundRefused("Say why the money is given back.")
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status not in REVENUE_STATUSES:
            raise RefundRefused(
                f"An order that is {locked.get_status_display().lower()} has nothing to refund "
                "(cancelling a paid order refunds it in full).",
                details={"reference": locked.reference, "status": locked.status},
            )
        if line_ids:
            lines = locked.lines.filter(pk__in=line_ids)
            amount = sum((line.line_total for line in lines), Decimal("0.00"))
        left = locked.total - locked.refunded_total
        if amount is None or not Decimal("0.01") <= amount <= left:
            raise RefundRefused(
                f"Refund between 0.01 and {left} {locked.currency} (what is left of the order).",
                details={"left": str(left)},
            )
        payment = (
            Payment.objects.select_for_update()
            .filter(order=locked, status=PaymentStatus.SUCCEEDED)
            .order_by("created_at")
            .first()
        )
        if payment is None:
            raise RefundRefused("The order has no payment to refund.")
        if payment.provider == "manual":
            refund_id = f"manual-{payment.pk}-{payment.refunds.count() + 1}"
        else:
            refund_id = provider().refund_create(
                intent_id=payment.provider_id,
                amount_minor=to_minor_units(amount),
                idempotency_key=f"shop-payment-{payment.pk}-refund-{payment.refunds.count() + 1}",
            )
        refund = Refund.objects.create(
            payment=payment, provider_id=refund_id, amount=amount, reason=reason, refunded_by=by
        )
        Order.objects.filter(pk=locked.pk).update(refunded_total=F("refunded_total") + amount)
        if locked.refunded_total + amount >= payment.amount:
            payment.status = PaymentStatus.REFUNDED
            payment.save(update_fields=["status", "updated_at"])
        order_history_note(
            order=locked, by=by, note=f"Refunded {amount} {locked.currency}: {reason}"
        )
        task_after_commit("orders.tasks.order_email_task", locked.pk, "refunded")
        return refund
