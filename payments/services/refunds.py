"""Giving money back: written under the order's lock, sent to the provider after the commit.

`refund_reserve` writes a pending refund inside the transaction that decides it; the money
counts as given back at once (Order.refunded_total, the payment refunded when all of it is),
so nothing can refund it twice. `refund_send`, after the commit and with no lock held, asks
the provider with the refund's own idempotency key and writes the outcome back under the
locks. A provider that did not answer leaves it pending: `refunds_settle` (the sweep) sends
it again with backoff; the key makes the money go back once however often it is sent. A
refusal (or too many tries) marks it refused and takes back what it reserved: the order's
history says so, for an employee to settle with the customer.
"""

import logging
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from orders.emails import order_email_queue
from orders.locks import order_lock
from orders.models import Order
from orders.selectors import REVENUE_STATUSES
from orders.services import order_history_note
from payments.emails import payment_email_queue
from payments.errors import ProviderError, ProviderUnavailable, RefundRefused
from payments.models import Payment, PaymentStatus, Refund, RefundStatus
from payments.providers import provider
from payments.services.common import payments_lock, retry_delay
from shop.db import conflict_retried, outside_transaction
from shop.models import User
from shop.money import to_minor_units

logger = logging.getLogger(__name__)

# The customer's email once the money is back: the order's "refunded", or a payment notice.
ORDER_REFUNDED = "refunded"


def _given(payment: Payment) -> Decimal:
    """What is given back of a payment, or on its way back."""
    given = payment.refunds.exclude(status=RefundStatus.FAILED).aggregate(sum=Sum("amount"))
    return given["sum"] or Decimal("0.00")


def refund_left(payment: Payment) -> Decimal:
    """What of a payment can still be given back."""
    return payment.amount - _given(payment)


def refund_reserve(
    *,
    payment: Payment,
    amount: Decimal,
    reason: str,
    by: User | None = None,
    of_revenue: bool = True,
    notify: str = "",
) -> Refund:
    """Write a refund to send after the commit; the order and payment must be locked.

    `of_revenue`: the money paid for the order (its revenue shrinks); not for a duplicate or
    late payment, which never counted. `notify`: the email sent once the money is back.
    """
    refund = Refund.objects.create(
        payment=payment,
        amount=amount,
        reason=reason[:200],
        refunded_by=by,
        status=RefundStatus.PENDING,
        of_revenue=of_revenue,
        notify=notify,
        # The request that wrote it sends it; the sweep only picks it up if that did not.
        next_attempt_at=timezone.now() + retry_delay(1),
    )
    if of_revenue:
        # Revenue counts an order's total less what was refunded (orders.selectors.revenue_sum).
        Order.objects.filter(pk=payment.order_id).update(
            refunded_total=F("refunded_total") + amount
        )
    if _given(payment) >= payment.amount:
        payment.status = PaymentStatus.REFUNDED
        payment.save(update_fields=["status", "updated_at"])
    if payment.provider == "manual":
        # Money received by hand goes back by hand: there is nothing to send.
        order = Order.objects.get(pk=payment.order_id)
        _given_back(order, payment, refund, provider_id=f"manual-{payment.pk}-{refund.pk}")
    return refund


def refund_send(refund_id: int) -> Refund:
    """Ask the provider to give a pending refund back, then record what it said."""
    outside_transaction("refund_send")
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status != RefundStatus.PENDING:
        return refund
    try:
        provider_id = provider().refund_create(
            intent_id=refund.payment.provider_id,
            amount_minor=to_minor_units(refund.amount),
            idempotency_key=f"shop-refund-{refund.pk}",
        )
    except ProviderUnavailable as exc:
        logger.warning("Refund %s not sent, tried again later: %s", refund.pk, exc.message)
        return _refund_outcome(refund_id, unanswered=exc.message)
    except ProviderError as exc:
        return _refund_outcome(refund_id, refused=exc.message)
    return _refund_outcome(refund_id, provider_id=provider_id)


@conflict_retried
def _refund_outcome(
    refund_id: int, *, provider_id: str = "", unanswered: str = "", refused: str = ""
) -> Refund:
    with transaction.atomic(durable=True):
        order_id, payment_id = Refund.objects.values_list("payment__order_id", "payment_id").get(
            pk=refund_id
        )
        order = order_lock(order_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status != RefundStatus.PENDING:
            return refund  # another send (the sweep, a retry) recorded it first
        if provider_id:
            _given_back(order, payment, refund, provider_id=provider_id)
        elif unanswered:
            refund.attempts += 1
            refund.error = unanswered[:500]
            if refund.attempts >= settings.SHOP_PROVIDER_MAX_ATTEMPTS:
                _refused(order, payment, refund, f"no answer after {refund.attempts} tries")
            else:
                refund.next_attempt_at = timezone.now() + retry_delay(refund.attempts + 1)
                refund.save(update_fields=["attempts", "error", "next_attempt_at"])
        else:
            _refused(order, payment, refund, refused)
        return refund


def _given_back(order: Order, payment: Payment, refund: Refund, *, provider_id: str) -> None:
    refund.status = RefundStatus.SUCCEEDED
    refund.provider_id = provider_id
    refund.sent_at = timezone.now()
    refund.attempts += 1
    refund.error = ""
    refund.save(update_fields=["status", "provider_id", "sent_at", "attempts", "error"])
    if refund.notify == ORDER_REFUNDED:
        order_history_note(
            order=order,
            by=refund.refunded_by,
            note=f"Refunded {refund.amount} {payment.currency}: {refund.reason}",
        )
        order_email_queue(order, ORDER_REFUNDED)
    elif refund.notify:
        payment_email_queue(payment, refund.notify)


def _refused(order: Order, payment: Payment, refund: Refund, error: str) -> None:
    """The money did not go back: take back what the refund reserved, and say so."""
    refund.status = RefundStatus.FAILED
    refund.error = error[:500]
    refund.save(update_fields=["status", "error", "attempts"])
    if refund.of_revenue:
        Order.objects.filter(pk=order.pk).update(refunded_total=F("refunded_total") - refund.amount)
    if payment.status == PaymentStatus.REFUNDED and _given(payment) < payment.amount:
        payment.status = PaymentStatus.SUCCEEDED
        payment.save(update_fields=["status", "updated_at"])
    order_history_note(
        order=order,
        note=f"Refund of {refund.amount} {payment.currency} refused by the provider: {error}. "
        "Nothing was given back; settle it with the customer.",
    )
    logger.error("Refund %s of order %s refused: %s", refund.pk, order.reference, error)


def refunds_send(refunds: list[Refund]) -> None:
    """Send refunds just written (after their transaction committed)."""
    for refund in refunds:
        refund_send(refund.pk)


def refunds_settle(*, limit: int = 200) -> int:
    """Send again the pending refunds that are due (the sweep); return how many were tried."""
    due = (
        Refund.objects.filter(status=RefundStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    tried = 0
    for refund_id in due:
        tried += 1
        try:
            refund_send(refund_id)
        except Exception:
            # One refund that cannot be sent now must not hold up the others.
            logger.exception("Could not send refund %s", refund_id)
    return tried


@conflict_retried
def order_refund(
    *,
    order: Order,
    reason: str,
    by: User | None = None,
    amount: Decimal | None = None,
    line_ids: list[int] | None = None,
) -> Refund:
    """Give back part of what was paid for an order: an amount, or chosen lines' totals.

    Written first (taken off revenue at once, so two employees cannot refund the same money),
    then sent to the provider; if it refuses, the refund is marked refused, revenue is as it
    was, and RefundRefused carries the provider's message. If it does not answer, the refund
    stays pending and the sweep sends it. The customer is emailed once the money is back.
    """
    reason = reason.strip()[:200]
    if not reason:
        raise RefundRefused("Say why the money is given back.")
    with transaction.atomic(durable=True):
        locked = order_lock(order.pk)
        payments = payments_lock(locked)
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
        paid = sorted(
            (p for p in payments if p.status == PaymentStatus.SUCCEEDED),
            key=lambda p: (p.created_at, p.pk),
        )
        if not paid:
            raise RefundRefused("The order has no payment to refund.")
        refund = refund_reserve(
            payment=paid[0], amount=amount, reason=reason, by=by, notify=ORDER_REFUNDED
        )
    refund = refund_send(refund.pk)
    if refund.status == RefundStatus.FAILED:
        raise RefundRefused(f"The provider refused the refund: {refund.error}")
    return refund
