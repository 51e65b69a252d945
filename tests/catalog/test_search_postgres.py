from decimal import Decimal

import pytest
from django.db import connection

from catalog.models import Product
from catalog.selectors import product_list
from tests.factories import CategoryFactory, ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_search_uses_the_full_text_index():
    category = CategoryFactory()
    Product.objects.bulk_create(
        Product(
            sku=f"B-{n}",
            name=f"Blend {n}",
            slug=f"blend-{n}",
            description="Roasted beans",
            category=category,
            price=Decimal("1.00"),
        )
        for n in range(3000)
    )
    with connection.cursor() as cursor:
        # Rows other tests wrote and rolled back (the 10,000-row import) sit in the GIN
        # index's pending list, which the planner counts against it: merge it first.
        cursor.execute("SELECT gin_clean_pending_list('catalog_product_search_idx')")
        cursor.execute("ANALYZE catalog_product")

    plan = product_list(filters={"search": "kenya"}).explain()

    assert "Bitmap Index Scan on catalog_product_search_idx" in plan


def test_search_stems_words():
    ProductFactory(sku="D-1", name="Mug", description="Pairs with roasted coffees")
    ProductFactory(sku="N-1", name="Roasting coffee", description="Whole beans")

    skus = [p.sku for p in product_list(filters={"search": "roast coffee"})]

    assert sorted(skus) == ["D-1", "N-1"]


def test_search_accepts_web_search_syntax_without_errors():
    ProductFactory(sku="T-1", name="Green tea", description="Sencha")
    ProductFactory(sku="T-2", name="Black tea", description="Assam")

    assert [p.sku for p in product_list(filters={"search": "tea -black"})] == ["T-1"]
    assert [p.sku for p in product_list(filters={"search": '"green tea"'})] == ["T-1"]
    assert list(product_list(filters={"search": "& | ! ( ) :*"})) == []
