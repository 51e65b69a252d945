"""Reads on orders."""

import hmac

from django.db.models import QuerySet

from orders.errors import OrderNotFound
from orders.models import Order
from orders.services import token_hash


def _order_queryset() -> QuerySet[Order]:
    return Order.objects.prefetch_related("lines", "status_changes")


def order_get_for_guest(*, reference: str, token: str | None) -> Order:
    """Return a guest's order when the access token matches; otherwise it does not exist."""
    order = _order_queryset().filter(reference=reference.upper()).first()
    if (
        order is None
        or not token
        or not order.access_token_hash
        or not hmac.compare_digest(order.access_token_hash, token_hash(token))
    ):
        raise OrderNotFound()
    return order
