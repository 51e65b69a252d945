"""Closing intents at the provider, so that a cancelled payment can take no money.

Always with no lock held (shop.db.outside_transaction): before the order is locked
(`intents_precancel`), or after the transaction that marked the payment cancelled commits
(`intent_close`). An intent the provider could not close now is closed by the sweep
(`intents_settle`); if the customer pays it meanwhile, its event brings the money in and the
webhook gives it back (payments.services.webhooks).
"""

import logging
from datetime import timedelta

from django.utils import timezone

from orders.models import Order
from payments.errors import PaymentArrived, ProviderError, ProviderUnavailable
from payments.models import Payment, PaymentStatus
from payments.providers import provider
from payments.services.common import OPEN
from shop.db import outside_transaction

logger = logging.getLogger(__name__)


def intents_precancel(order: Order) -> set[int]:
    """Cancel the order's open intents at the provider; return the payments it closed.

    PaymentArrived when one was paid meanwhile (nothing is written: its event is on its way).
    A provider that does not answer is no reason to stop: the sweep closes those later.
    """
    outside_transaction("intents_precancel")
    closed = set()
    for payment in Payment.objects.filter(order=order, status__in=OPEN).exclude(provider="manual"):
        try:
            state = provider().intent_cancel(intent_id=payment.provider_id)
        except ProviderUnavailable as exc:
            logger.warning("Intent of %s not cancelled now: %s", payment, exc.message)
            continue
        except ProviderError as exc:
            # Refused for good (no such intent): there is nothing the shop can close.
            logger.error("Intent of %s cannot be cancelled: %s", payment, exc.message)
            state = "unknown"
        if state == "succeeded":
            raise PaymentArrived(details={"reference": order.reference})
        closed.add(payment.pk)
    return closed


def payments_cancel(payments: list[Payment], *, closed: set[int]) -> list[int]:
    """Mark an order's open payments cancelled (its row and theirs locked); return the ids of
    those the provider has still to be told of."""
    now = timezone.now()
    left = []
    for payment in payments:
        if payment.status not in OPEN:
            continue
        payment.status = PaymentStatus.CANCELLED
        payment.closed_at = now if payment.pk in closed or payment.provider == "manual" else None
        payment.save(update_fields=["status", "closed_at", "updated_at"])
        if payment.closed_at is None:
            left.append(payment.pk)
    return left


def intent_close(payment_id: int) -> bool:
    """Tell the provider a cancelled payment can take no money; True once that is so."""
    outside_transaction("intent_close")
    payment = Payment.objects.get(pk=payment_id)
    if payment.closed_at or payment.status != PaymentStatus.CANCELLED:
        return True
    try:
        provider().intent_cancel(intent_id=payment.provider_id)
    except ProviderUnavailable as exc:
        logger.warning("Intent of %s not cancelled, tried again later: %s", payment, exc.message)
        return False
    except ProviderError as exc:
        # Refused for good (no such intent): there is nothing the shop can close.
        logger.error("Intent of %s cannot be cancelled: %s", payment, exc.message)
    # Whatever its state now (a payment that succeeded meanwhile comes in as an event), the
    # shop has told the provider.
    Payment.objects.filter(pk=payment_id, closed_at__isnull=True).update(closed_at=timezone.now())
    return True


def intents_close(payment_ids: list[int]) -> None:
    for payment_id in payment_ids:
        intent_close(payment_id)


def intents_settle(*, limit: int = 200) -> int:
    """Close the intents of cancelled payments the provider was not told of; return how many."""
    due = (
        Payment.objects.filter(
            status=PaymentStatus.CANCELLED,
            closed_at__isnull=True,
            # Not one a request is closing right now.
            updated_at__lte=timezone.now() - timedelta(minutes=1),
        )
        .exclude(provider="manual")
        .order_by("updated_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    closed = 0
    for payment_id in due:
        try:
            closed += intent_close(payment_id)
        except Exception:
            logger.exception("Could not close the intent of payment %s", payment_id)
    return closed
