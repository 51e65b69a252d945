"""Many buyers at once, each thread with its own database connection (PostgreSQL only)."""

from collections import Counter
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from catalog.models import Product
from orders.models import Order, OrderLine
from tests.concurrency import all_at_once
from tests.factories import ProductFactory
from tests.orders.bodies import order_body

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _post_all_at_once(bodies: list[dict], settings, **headers) -> list[tuple[int, dict]]:
    """Post every body from its own thread, released together; return (status, json) pairs."""
    settings.SHOP_ORDER_THROTTLE_ANON = "100000/min"
    settings.SHOP_MAX_UNPAID_UNITS_PER_CLIENT = 100_000

    def buyer(body):
        response = APIClient().post("/api/v1/orders/", body, format="json", **headers)
        return response.status_code, response.json()

    return all_at_once([lambda body=body: buyer(body) for body in bodies])


@pytest.mark.parametrize(("units", "buyers"), [(5, 20), (12, 30)])
def test_buyers_of_the_last_units_never_oversell(settings, units, buyers):
    product = ProductFactory(stock=units, price=Decimal("3.00"))

    results = _post_all_at_once([order_body((product.id, 1)) for _ in range(buyers)], settings)

    assert Counter(status for status, _ in results) == Counter({201: units, 409: buyers - units})
    assert {body["error"]["code"] for status, body in results if status == 409} == {
        "insufficient_stock"
    }
    product.refresh_from_db()
    assert product.stock == 0
    assert OrderLine.objects.filter(product=product).count() == units
    assert Order.objects.count() == units


def test_opposite_orders_of_two_products_never_deadlock(settings):
    first = ProductFactory(stock=1000)
    second = ProductFactory(stock=1000)
    bodies = [
        order_body((first.id, 1), (second.id, 2))
        if n % 2
        else order_body((second.id, 2), (first.id, 1))
        for n in range(24)
    ]

    results = _post_all_at_once(bodies, settings)

    assert Counter(status for status, _ in results) == Counter({201: 24})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.stock, second.stock) == (1000 - 24, 1000 - 48)


def test_the_same_idempotency_key_at_once_places_one_order(settings):
    product = ProductFactory(stock=50)

    results = _post_all_at_once(
        [order_body((product.id, 2))] * 8,
        settings,
        HTTP_IDEMPOTENCY_KEY="2c5e9a7b-3d1f-4b6e-8a9c-0d7f6e5b4a3c",
    )

    assert {status for status, _ in results} == {201}
    assert len({body["reference"] for _, body in results}) == 1
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=product.pk).stock == 48
