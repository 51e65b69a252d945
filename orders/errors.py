"""Errors of the order domain, each with a stable code for API clients."""

from shop.errors import Conflict, DomainError, NotFound


class InsufficientStock(Conflict):
    code = "insufficient_stock"


class ProductUnavailable(DomainError):
    code = "product_unavailable"
    status_code = 400


class InvalidStatusTransition(Conflict):
    code = "invalid_status_transition"


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status_code = 422
    default_message = "This Idempotency-Key was already used with a different request body."


class OrderNotFound(NotFound):
    default_message = "No such order."


class CartItemNotFound(NotFound):
    default_message = "This product is not in the cart."


class EmptyCart(DomainError):
    code = "empty_cart"
    status_code = 400
    default_message = "The cart is empty: there is nothing to order."
