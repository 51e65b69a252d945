"""Reads on the address book."""

from django.db.models import QuerySet

from orders.errors import AddressNotFound
from orders.models import CustomerAddress
from shop.models import User


def address_list(*, user: User) -> QuerySet[CustomerAddress]:
    """Return the customer's addresses, the default first."""
    return CustomerAddress.objects.filter(user=user).order_by("-is_default", "created_at", "id")


def address_get(*, user: User, address_id: int) -> CustomerAddress:
    """Return one of the customer's own addresses; anyone else's does not exist."""
    address = CustomerAddress.objects.filter(user=user, pk=address_id).first()
    if address is None:
        raise AddressNotFound()
    return address
