"""Demo payments: the demo orders that were paid have the payments (and refunds) a shop has."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef

from orders.models import Order, OrderStatus, OrderStatusChange
from payments.models import Payment, PaymentStatus, Refund
from shop.money import money_round

PAID_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED)


def seed_payments() -> str:
    """Give every demo order that was paid its payment, once: refunded when it was cancelled
    after paying, and a partial refund for a few delivered ones."""
    was_paid = OrderStatusChange.objects.filter(order=OuterRef("pk"), to_status=OrderStatus.PAID)
    unpaid_for = Order.objects.filter(Exists(was_paid)).exclude(
        Exists(Payment.objects.filter(order=OuterRef("pk")))
    )
    orders = list(unpaid_for.order_by("pk"))
    if not orders:
        return "payments: every paid order has its payment"
    rng = random.Random(31)
    payments, refunds = [], []
    for order in orders:
        cancelled = order.status == OrderStatus.CANCELLED
        payments.append(
            Payment(
                order=order,
                provider="local",
                provider_id=f"pi_demo_{order.reference}",
                amount=order.total,
                currency=order.currency,
                status=PaymentStatus.REFUNDED if cancelled else PaymentStatus.SUCCEEDED,
                created_at=order.created_at + timedelta(minutes=rng.randrange(1, 25)),
            )
        )
    with transaction.atomic():
        Payment.objects.bulk_create(payments, batch_size=500)
        for payment, order in zip(payments, orders, strict=True):
            if order.status == OrderStatus.CANCELLED:
                amount, reason = order.total, "The order was cancelled."
            elif order.status == OrderStatus.DELIVERED and rng.random() < 0.04:
                amount = money_round(order.total * Decimal("0.2"))
                reason = "Arrived damaged: part refunded."
            else:
                continue
            refunds.append(
                Refund(
                    payment=payment,
                    provider_id=f"re_demo_{order.reference}",
                    amount=amount,
                    reason=reason,
                    created_at=payment.created_at + timedelta(days=rng.randrange(1, 5)),
                )
            )
            Order.objects.filter(pk=order.pk).update(refunded_total=amount)
        Refund.objects.bulk_create(refunds, batch_size=500)
    return f"payments: {len(payments)} demo payments, {len(refunds)} refunds"
