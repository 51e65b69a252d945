"""Starting a payment: the order's intent at the provider, created with no lock held."""

from django.db import transaction
from django.utils import timezone

from orders.holds import order_hold_end
from orders.locks import order_lock
from orders.models import Order, OrderStatus
from payments.errors import OrderNotPayable
from payments.models import Payment, PaymentStatus
from payments.providers import provider
from payments.services.intents import intent_close
from shop.db import conflict_retried, outside_transaction
from shop.money import to_minor_units


def _payable_or_refuse(order: Order) -> None:
    if order.status != OrderStatus.PLACED:
        raise OrderNotPayable(
            f"An order that is {order.get_status_display().lower()} cannot be paid.",
            details={"reference": order.reference, "status": order.status},
        )
    if timezone.now() >= order_hold_end(order):
        raise OrderNotPayable(
            "The time to pay this order is over; it is being cancelled.",
            details={"reference": order.reference},
        )


@conflict_retried
def payment_start(*, order: Order) -> tuple[Payment, bool]:
    """Return the order's open payment, or create one at the provider; True if created.

    Three steps, the provider's in the middle with no lock held: the order is checked and its
    attempt numbered; the intent is created, its idempotency key derived from the order and
    the attempt (a retry, or a concurrent start, gets the same intent); the payment is
    recorded, unless the order stopped being payable meanwhile (then the intent is closed).
    """
    with transaction.atomic(durable=True):
        locked = order_lock(order.pk)
        _payable_or_refuse(locked)
        current = Payment.objects.filter(
            order=locked, status=PaymentStatus.REQUIRES_PAYMENT
        ).first()
        if current is not None:
            return current, False
        attempt = Payment.objects.filter(order=locked).count() + 1
        if locked.payment_started_at is None:
            # From now on the order keeps its whole payment window (orders.holds).
            locked.payment_started_at = timezone.now()
            locked.save(update_fields=["payment_started_at", "updated_at"])
    outside_transaction("payment_start")
    chosen = provider()
    intent = chosen.intent_create(
        amount_minor=to_minor_units(locked.total),
        currency=locked.currency,
        reference=locked.reference,
        idempotency_key=f"shop-order-{locked.reference}-payment-{attempt}",
    )
    with transaction.atomic(durable=True):
        locked = order_lock(order.pk)
        recorded = Payment.objects.filter(order=locked, attempt=attempt).first()
        if recorded is not None:
            # A concurrent start of the same attempt recorded it first.
            return recorded, False
        refused: OrderNotPayable | None = None
        try:
            _payable_or_refuse(locked)
        except OrderNotPayable as refusal:
            refused = refusal
        payment = Payment.objects.create(
            order=locked,
            provider=chosen.name,
            provider_id=intent.id,
            attempt=attempt,
            amount=locked.total,
            currency=locked.currency,
            client_secret=intent.client_secret,
            status=PaymentStatus.CANCELLED if refused else PaymentStatus.REQUIRES_PAYMENT,
        )
    if refused is not None:
        # Cancelled or expired while the intent was made: it must take no money.
        intent_close(payment.pk)
        raise refused
    return payment, True
