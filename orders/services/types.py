"""What placing an order takes and gives: items, customer, address, the placed order."""

from dataclasses import dataclass

from orders.models import Order


@dataclass(frozen=True)
class OrderItem:
    product_id: int
    quantity: int


@dataclass(frozen=True)
class Customer:
    name: str
    email: str
    phone: str = ""


@dataclass(frozen=True)
class Address:
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str = ""


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    # The guest's secret for reading the order; None for a signed-in customer's order.
    access_token: str | None
    # True when an Idempotency-Key replay returned an order placed earlier.
    replayed: bool = False
