"""Writes on orders, by concern (the cart is orders.cart):

- `placement`: placing an order (items checked, stock taken, lines snapshot, totals);
- `idempotency`: Idempotency-Key replays of a checkout;
- `stock`: the stock an order takes and gives back;
- `status`: status moves, history notes, shipping corrections, late-payment reinstatement.

Callers import from `orders.services`; the modules are how the code is kept, not an API.
"""

from orders.services.placement import (
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    order_place,
    order_place_for_customer,
)
from orders.services.status import (
    order_history_note,
    order_reinstate_paid,
    order_set_status,
    order_shipping_correct,
)
from orders.services.types import Address, Customer, OrderItem, PlacedOrder

__all__ = [
    "REFERENCE_ALPHABET",
    "REFERENCE_LENGTH",
    "Address",
    "Customer",
    "OrderItem",
    "PlacedOrder",
    "order_history_note",
    "order_place",
    "order_place_for_customer",
    "order_reinstate_paid",
    "order_set_status",
    "order_shipping_correct",
]
