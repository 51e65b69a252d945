"""A customer's payments and refunds, in their data on request (orders.customers)."""

from typing import Any

from django.db.models import QuerySet

from orders.models import Order
from payments.models import Payment
from shop.models import User


def customer_payments(customer: User, orders: QuerySet[Order]) -> list[dict[str, Any]]:
    """The payments of their orders, each with its refunds; no secrets (client_secret)."""
    payments = (
        Payment.objects.filter(order__in=orders)
        .select_related("order")
        .prefetch_related("refunds")
        .order_by("created_at", "id")
    )
    return [
        {
            "order": payment.order.reference,
            "provider": payment.provider,
            "provider_id": payment.provider_id,
            "amount": str(payment.amount),
            "currency": payment.currency,
            "status": payment.status,
            "created_at": payment.created_at.isoformat(),
            "refunds": [
                {
                    "amount": str(refund.amount),
                    "reason": refund.reason,
                    "status": refund.status,
                    "created_at": refund.created_at.isoformat(),
                }
                for refund in payment.refunds.all()
            ],
        }
        for payment in payments
    ]
