from decimal import Decimal

import pytest

from tests.factories import CategoryFactory, ProductFactory


@pytest.fixture
def tea(db):
    return ProductFactory(
        sku="TEA", name="Tea", price=Decimal("4.50"), stock=5, category=CategoryFactory()
    )


@pytest.fixture
def mug(db):
    return ProductFactory(sku="MUG", name="Mug", price=Decimal("12.00"), stock=2)
