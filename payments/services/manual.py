"""Money received outside the provider: a bank transfer, cash, recorded by an employee."""

from django.db import transaction

from orders.locks import order_lock
from orders.models import ChangeSource, Order, OrderStatus
from orders.services import order_set_status
from payments.errors import ManualPaymentIncomplete, OrderNotPayable
from payments.models import Payment, PaymentStatus
from shop.db import conflict_retried
from shop.models import User

MANUAL_METHODS = {"bank_transfer": "Bank transfer", "cash": "Cash", "other": "Other"}


@conflict_retried
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
        locked = order_lock(order.pk)
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
