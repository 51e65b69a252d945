"""Locking an order: the first lock of every service that changes one.

The lock order is the Order, then its payments (and refunds), then products in primary-key
order (docs/design.md, "Locks"); shop.db.lock_taken lets tests widen the window after it.
"""

from django.db.models import Subquery

from orders.models import Order
from shop.db import lock_taken


def order_lock(order_id: int | Subquery) -> Order:
    """Lock the order's row until the transaction ends, and return it as it is now.

    `order_id` may be a subquery (the order of a payment): its rows are read, not locked.
    """
    order = Order.objects.select_for_update().get(pk=order_id)  # type: ignore[misc]
    lock_taken("order")
    return order
