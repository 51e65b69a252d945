import pytest
from django.db import IntegrityError, transaction

from catalog.models import Product
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("field", "value"), [("stock", -1), ("price", "-0.01")])
def test_database_refuses_negative_values(field, value):
    product = ProductFactory(stock=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        # A raw UPDATE bypasses model validation: only the database guards this.
        Product.objects.filter(pk=product.pk).update(**{field: value})
    product.refresh_from_db()
    assert product.stock == 5


def test_stock_cannot_be_decremented_below_zero():
    from django.db.models import F

    product = ProductFactory(stock=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(stock=F("stock") - 3)
    product.refresh_from_db()
    assert product.stock == 2
