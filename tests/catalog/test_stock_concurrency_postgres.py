"""The lost update an absolute stock edit caused, reproduced under load and gone (PostgreSQL)."""

from collections import Counter

import pytest
from django.test import Client

from catalog.models import Product
from catalog.services import product_stock_adjust
from orders.models import OrderLine
from tests.concurrency import all_at_once
from tests.factories import ProductFactory, SuperuserFactory
from tests.orders.bodies import order_body

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_checkouts_adjustments_and_stale_pages_at_once_lose_nothing(settings):
    settings.SHOP_ORDER_THROTTLE_ANON = "100000/min"
    settings.SHOP_MAX_UNPAID_UNITS_PER_CLIENT = 100_000
    product = ProductFactory(stock=100)
    boss = SuperuserFactory()
    url = f"/admin/catalog/product/{product.pk}/change/"
    # Every employee's page shows 100, loaded before any of the sales below.
    stale = {
        "name": product.name,
        "slug": product.slug,
        "sku": product.sku,
        "category": product.category_id,
        "price": "12.00",
        "is_active": "on",
        "stock": "100",
    }

    def buy():
        client = Client()
        body = order_body((product.pk, 2))
        return client.post("/api/v1/orders/", body, content_type="application/json").status_code

    def receive():
        product_stock_adjust(product=product, delta=3, reason="Delivery")
        return "adjusted"

    def save_stale_page():
        client = Client()
        client.force_login(boss)
        return client.post(url, stale).status_code

    outcomes = all_at_once([buy] * 12 + [receive] * 5 + [save_stale_page] * 5)

    assert Counter(outcomes) == Counter({201: 12, "adjusted": 5, 302: 5})
    sold = sum(OrderLine.objects.filter(product=product).values_list("quantity", flat=True))
    assert sold == 24
    final = Product.objects.get(pk=product.pk)
    assert final.stock == 100 - 24 + 5 * 3  # every sale and every delivery counted
    assert str(final.price) == "12.00"
    # The history adds up too: each adjustment saw the stock its own change left.
    adjusted = final.adjustments.filter(kind="adjustment").values_list("delta", flat=True)
    assert sorted(adjusted) == [3] * 5
    assert (
        sorted(final.adjustments.filter(kind="sale").values_list("delta", flat=True)) == [-2] * 12
    )
