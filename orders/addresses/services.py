"""Writes on the address book: one default at most, the first address is it."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from orders.addresses.selectors import address_get
from orders.models import CustomerAddress
from shop.models import User

FIELDS = ("name", "line1", "line2", "city", "postal_code", "country")


def _default_set(address: CustomerAddress) -> None:
    CustomerAddress.objects.filter(user_id=address.user_id, is_default=True).exclude(
        pk=address.pk
    ).update(is_default=False)
    if not address.is_default:
        address.is_default = True
        address.save(update_fields=["is_default"])


def _book_locked(user: User) -> None:
    """Lock the customer's row, so that their address book changes one request at a time."""
    # Two first addresses at once could otherwise both become the default.
    User.objects.select_for_update().filter(pk=user.pk).first()


@transaction.atomic
def address_create(*, user: User, is_default: bool = False, **fields: Any) -> CustomerAddress:
    """Add an address; it is the default when asked, or when it is the customer's first."""
    _book_locked(user)
    count = CustomerAddress.objects.filter(user=user).count()
    if count >= settings.SHOP_MAX_ADDRESSES:
        raise ValidationError(
            {"non_field_errors": [f"At most {settings.SHOP_MAX_ADDRESSES} addresses."]}
        )
    address = CustomerAddress(user=user, **{k: v for k, v in fields.items() if k in FIELDS})
    address.full_clean(exclude=["user"])
    address.save()
    if is_default or count == 0:
        _default_set(address)
    return address


@transaction.atomic
def address_update(
    *, user: User, address_id: int, is_default: bool | None = None, **fields: Any
) -> CustomerAddress:
    """Change an address; making it the default takes that from the others."""
    _book_locked(user)
    address = address_get(user=user, address_id=address_id)
    for name, value in fields.items():
        if name in FIELDS:
            setattr(address, name, value)
    address.full_clean(exclude=["user"])
    address.save()
    if is_default:
        _default_set(address)
    return address


@transaction.atomic
def address_delete(*, user: User, address_id: int) -> None:
    """Delete an address; if it was the default, the oldest remaining one becomes it."""
    _book_locked(user)
    address = address_get(user=user, address_id=address_id)
    was_default = address.is_default
    address.delete()
    if was_default:
        successor = CustomerAddress.objects.filter(user=user).order_by("created_at", "id").first()
        if successor is not None:
            _default_set(successor)
