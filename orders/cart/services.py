"""Writes on the cart."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.models import Product
from orders.errors import CartItemNotFound, InsufficientStock, ProductUnavailable
from orders.models import Cart, CartItem
from shop.models import User


def cart_item_set(*, user: User, product_id: int, quantity: int) -> None:
    """Put a product in the customer's cart with this quantity, if it can be bought."""
    limit = settings.SHOP_MAX_QUANTITY
    if not 1 <= quantity <= limit:
        raise ValidationError({"quantity": [f"Must be from 1 to {limit}."]})
    product = Product.objects.filter(pk=product_id, is_active=True).only("pk", "stock").first()
    if product is None:
        raise ProductUnavailable(
            "This product cannot be bought.", details={"items": [{"product_id": product_id}]}
        )
    if quantity > product.stock:
        raise InsufficientStock.for_items([(product_id, quantity, product.stock)])
    cart, _ = Cart.objects.get_or_create(user=user)
    CartItem.objects.update_or_create(cart=cart, product=product, defaults={"quantity": quantity})


def cart_item_remove(*, user: User, product_id: int) -> None:
    """Take a product out of the customer's cart."""
    deleted, _ = CartItem.objects.filter(cart__user=user, product_id=product_id).delete()
    if not deleted:
        raise CartItemNotFound()


def cart_clear(*, user: User) -> None:
    """Empty the customer's cart."""
    CartItem.objects.filter(cart__user=user).delete()


@dataclass(frozen=True)
class CartMerge:
    """What merging a guest cart did beyond adding: items left out, quantities capped."""

    unavailable: list[int] = field(default_factory=list)
    capped: list[tuple[int, int, int]] = field(default_factory=list)  # (id, wanted, got)


@transaction.atomic
def cart_merge(*, user: User, items: Iterable[tuple[int, int]]) -> CartMerge:
    """Add a guest cart's (product_id, quantity) items to the customer's cart.

    Quantities add up, capped by the stock and SHOP_MAX_QUANTITY; products that cannot be
    bought (unknown, hidden, sold out) are reported, not failed.
    """
    wanted: dict[int, int] = {}
    for product_id, quantity in items:
        wanted[product_id] = wanted.get(product_id, 0) + quantity
    if len(wanted) > settings.SHOP_MAX_ORDER_LINES:
        raise ValidationError(
            {"items": [f"At most {settings.SHOP_MAX_ORDER_LINES} different products."]}
        )
    cart, _ = Cart.objects.select_for_update().get_or_create(user=user)
    products = Product.objects.filter(pk__in=wanted, is_active=True).only("pk", "stock")
    stock = {product.pk: product.stock for product in products}
    held = dict(
        CartItem.objects.filter(cart=cart, product_id__in=wanted).values_list(
            "product_id", "quantity"
        )
    )
    result = CartMerge()
    for product_id in sorted(wanted):
        if stock.get(product_id, 0) < 1:
            result.unavailable.append(product_id)
            continue
        total = held.get(product_id, 0) + wanted[product_id]
        quantity = min(total, stock[product_id], settings.SHOP_MAX_QUANTITY)
        if quantity < total:
            result.capped.append((product_id, total, quantity))
        CartItem.objects.update_or_create(
            cart=cart, product_id=product_id, defaults={"quantity": quantity}
        )
    return result
