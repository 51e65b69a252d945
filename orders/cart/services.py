"""Writes on the cart."""

from django.conf import settings
from django.core.exceptions import ValidationError

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
