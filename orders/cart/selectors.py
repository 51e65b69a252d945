"""Reads on the cart."""

from dataclasses import dataclass
from decimal import Decimal

from catalog.models import Product
from orders.models import CartItem
from orders.services import OrderItem
from shop.models import User


@dataclass(frozen=True)
class CartLine:
    product: Product
    quantity: int
    # False when the product was hidden or sold out after it was put in the cart.
    available: bool

    @property
    def line_total(self) -> Decimal:
        return self.product.price * self.quantity


@dataclass(frozen=True)
class CartSummary:
    lines: list[CartLine]

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines if line.available), Decimal("0.00"))

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    def order_items(self) -> list[OrderItem]:
        return [OrderItem(line.product.pk, line.quantity) for line in self.lines]


def cart_get(*, user: User) -> CartSummary:
    """Return the customer's cart at current prices and stock."""
    items = CartItem.objects.filter(cart__user=user).select_related("product__category")
    return CartSummary(
        lines=[
            CartLine(
                product=item.product,
                quantity=item.quantity,
                available=item.product.is_active and item.product.stock >= item.quantity,
            )
            for item in items
        ]
    )
