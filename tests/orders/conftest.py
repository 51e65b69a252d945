import copy
from decimal import Decimal

import pytest

from tests.factories import CategoryFactory, ProductFactory

GUEST = {
    "customer": {"name": "Ann Smith", "email": "ann@example.com", "phone": "+47 123"},
    "shipping_address": {
        "line1": "Main Street 1",
        "line2": "",
        "city": "Oslo",
        "postal_code": "0150",
        "country": "NO",
    },
}


@pytest.fixture
def tea(db):
    return ProductFactory(
        sku="TEA", name="Tea", price=Decimal("4.50"), stock=5, category=CategoryFactory()
    )


@pytest.fixture
def mug(db):
    return ProductFactory(sku="MUG", name="Mug", price=Decimal("12.00"), stock=2)


def order_body(*items: tuple[int, int], **overrides) -> dict:
    """A guest order body buying (product_id, quantity) pairs."""
    body = copy.deepcopy(GUEST)
    body["items"] = [{"product_id": pid, "quantity": qty} for pid, qty in items]
    body.update(overrides)
    return body
