"""Errors of the order domain, each with a stable code for API clients."""

from shop.errors import Conflict, DomainError, NotFound


class InsufficientStock(Conflict):
    code = "insufficient_stock"

    @classmethod
    def for_items(cls, short: list[tuple[int, int, int]]) -> "InsufficientStock":
        """The error for (product_id, requested, available) items, each listed in details."""
        return cls(
            f"Not enough stock for {len(short)} item(s).",
            details={
                "items": [
                    {"product_id": pid, "requested": requested, "available": available}
                    for pid, requested, available in short
                ]
            },
        )


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


class AddressNotFound(NotFound):
    default_message = "No such address in your address book."


class CartItemNotFound(NotFound):
    default_message = "This product is not in the cart."


class EmptyCart(DomainError):
    code = "empty_cart"
    status_code = 400
    default_message = "The cart is empty: there is nothing to order."


class TooManyUnpaidOrders(DomainError):
    """One client's unpaid orders hold as much stock as one client may (orders.holds)."""

    code = "too_many_unpaid_orders"
    status_code = 429
    default_message = "Unpaid orders of this client already hold as much stock as allowed."

    def __init__(self, message: str | None = None, *, details=None, retry_after: int = 60):
        super().__init__(message, details={**(details or {}), "retry_after": retry_after})
        self.headers = {"Retry-After": str(retry_after)}


class EmailNotVerified(DomainError):
    code = "email_not_verified"
    status_code = 403
    default_message = (
        "Verify your email address with the sign-in provider before ordering: order emails "
        "go to the account's verified address."
    )


class ShippingFactsMissing(DomainError):
    code = "tracking_required"
    status_code = 400
    default_message = (
        "Shipping needs a tracking number and its carrier, or 'no tracking' with a note saying why."
    )
