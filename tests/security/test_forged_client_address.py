"""A client cannot choose whose throttle budget it spends by writing X-Forwarded-For."""

import pytest

from orders.models import Order
from shop.clientip import client_address
from tests.factories import ProductFactory
from tests.orders.bodies import order_body

pytestmark = pytest.mark.django_db

LAMBDA = {"lambda.event": {"requestContext": {"stage": "production"}}}


@pytest.mark.parametrize(
    ("forwarded", "hops", "expected"),
    [
        ("203.0.113.7, 130.176.1.1", 1, "203.0.113.7"),  # edge-optimized: client, CloudFront
        ("6.6.6.6, 203.0.113.7, 130.176.1.1", 1, "203.0.113.7"),  # a forged entry in front
        ("6.6.6.6, 203.0.113.7", 0, "203.0.113.7"),  # regional: API Gateway appends the client
        ("6.6.6.6, 203.0.113.7, 64.252.1.1, 130.176.1.1", 2, "203.0.113.7"),  # CloudFront first
        ("203.0.113.7", 1, "203.0.113.7"),  # shorter than our proxies write: the oldest
        ("", 1, None),
    ],
)
def test_the_address_is_the_one_our_proxies_vouch_for(forwarded, hops, expected):
    assert client_address(forwarded, hops) == expected


def _place_many(api_client, headers_of, count):
    product = ProductFactory(stock=100)
    return [
        api_client.post(
            "/api/v1/orders/", order_body((product.pk, 1)), format="json", **headers_of(n)
        ).status_code
        for n in range(count)
    ]


def test_a_forged_header_does_not_buy_a_fresh_budget_locally(api_client, settings):
    settings.SHOP_ORDER_THROTTLE_ANON = "3/min"
    statuses = _place_many(
        api_client, lambda n: {"HTTP_X_FORWARDED_FOR": f"10.0.0.{n}, 9.9.9.9"}, 5
    )
    assert statuses == [201, 201, 201, 429, 429]
    assert Order.objects.count() == 3


def test_a_forged_header_does_not_buy_a_fresh_budget_on_lambda(api_client, settings):
    settings.SHOP_ORDER_THROTTLE_ANON = "3/min"
    settings.SHOP_TRUSTED_PROXY_HOPS = 1
    statuses = _place_many(
        api_client,
        lambda n: {**LAMBDA, "HTTP_X_FORWARDED_FOR": f"10.0.0.{n}, 203.0.113.7, 130.176.1.1"},
        5,
    )
    assert statuses == [201, 201, 201, 429, 429]


def test_real_clients_on_lambda_each_have_their_own_budget(api_client, settings):
    settings.SHOP_ORDER_THROTTLE_ANON = "1/min"
    statuses = _place_many(
        api_client,
        lambda n: {**LAMBDA, "HTTP_X_FORWARDED_FOR": f"203.0.113.{n}, 130.176.1.1"},
        3,
    )
    assert statuses == [201, 201, 201]
