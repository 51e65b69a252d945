from decimal import Decimal

import pytest

from shop.models import User
from tests.factories import CategoryFactory, ProductFactory


@pytest.fixture
def tea(db):
    return ProductFactory(
        sku="TEA", name="Tea", price=Decimal("4.50"), stock=5, category=CategoryFactory()
    )


@pytest.fixture
def mug(db):
    return ProductFactory(sku="MUG", name="Mug", price=Decimal("12.00"), stock=2)


@pytest.fixture
def ann(customer_client):
    """Ann Smith, a customer: her account made by her first request with a Cognito token."""
    client = customer_client("ann@example.com", given_name="Ann", family_name="Smith")
    assert client.get("/api/v1/me/").status_code == 200
    return User.objects.get(email="ann@example.com")
