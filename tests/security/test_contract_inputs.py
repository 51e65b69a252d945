"""Inputs a client can send that once answered 500, and numbers the schema calls integers.

Each case is named after what it sends. Every answer is a documented 4xx envelope and writes
nothing, on SQLite and on PostgreSQL (the suite runs on both).
"""

import json
import uuid

import pytest
from django.contrib.auth import get_user_model

from catalog.models import Product
from orders.cart.selectors import cart_get
from orders.models import Order
from payments.models import WebhookEvent
from tests.factories import ProductFactory
from tests.orders.bodies import order_body
from tests.payments.events import WEBHOOK_SECRET, deliver

pytestmark = pytest.mark.django_db

BIG_ID = 2**63


def _envelope(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    if code:
        assert error["code"] == code
    return error


def _guest_post(client, body):
    return client.post(
        "/api/v1/orders/",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


# Paging: str.isdigit() takes superscripts and circled digits that int() refuses.
@pytest.mark.parametrize(
    "query",
    [
        "page=%C2%B2",  # ²
        "page_size=%E2%91%A0",  # ①
        "page=%D9%A1",  # Arabic-Indic 1
        "page=%EF%BC%91",  # full-width 1
        "page=+1",
        "page=1_0",
        "page=99999999999999999999",
        "page_size=0",
        "page_size=101",
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/products/", "/api/v1/categories/"])
def test_malformed_paging_is_a_400(api_client, path, query):
    name = query.split("=")[0]
    assert name in _envelope(api_client.get(f"{path}?{query}"), 400, "invalid")["details"]


def test_malformed_paging_of_the_orders_list_is_a_400(customer_client):
    response = customer_client().get("/api/v1/orders/?page=%C2%B2")
    assert "page" in _envelope(response, 400, "invalid")["details"]


# NUL bytes: PostgreSQL text cannot hold them, so they must never reach a query.
@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/api/v1/orders/A%00B/"),
        ("post", "/api/v1/orders/A%00B/payment/"),
        ("post", "/api/v1/orders/A%00B/cancel/"),
        ("get", "/api/v1/products/a%00b/"),
    ],
)
def test_a_nul_in_the_path_is_a_4xx_envelope(api_client, method, path):
    response = getattr(api_client, method)(path)
    assert response.status_code in (400, 404)
    _envelope(response, response.status_code)


@pytest.mark.parametrize(
    "query", ["category=a%00b", "search=tea%00", "ordering=%00", "page=1%00", "x%00=1"]
)
def test_a_nul_in_a_query_parameter_is_a_400(api_client, query):
    _envelope(api_client.get(f"/api/v1/products/?{query}"), 400, "bad_request")


def test_a_nul_in_an_admin_filter_is_a_400_page(admin_client):
    response = admin_client.get("/admin/orders/order/?status__exact=%00")
    assert response.status_code == 400


# Ids past a 64-bit integer: SQLite cannot bind them (OverflowError), PostgreSQL's bigint
# cannot hold them.
def test_an_order_item_with_a_product_id_of_2_63_is_a_400(api_client):
    product = ProductFactory(stock=5)
    response = _guest_post(api_client, order_body((BIG_ID, 1), (product.pk, 1)))
    assert "items" in _envelope(response, 400, "invalid")["details"]
    assert not Order.objects.exists()
    assert Product.objects.get(pk=product.pk).stock == 5


def test_a_cart_merge_with_a_product_id_of_2_63_is_a_400(customer_client):
    client = customer_client()
    response = client.post(
        "/api/v1/cart/merge/",
        {"items": [{"product_id": BIG_ID, "quantity": 1}]},
        format="json",
    )
    _envelope(response, 400, "invalid")
    assert cart_get(user=get_user_model().objects.get()).lines == []


@pytest.mark.parametrize("method", ["put", "delete"])
def test_a_cart_item_path_of_2_63_is_a_404(customer_client, method):
    client = customer_client()
    response = getattr(client, method)(
        f"/api/v1/cart/items/{BIG_ID}/", {"quantity": 1}, format="json"
    )
    _envelope(response, 404, "not_found")


@pytest.mark.parametrize("path", [f"/api/v1/products/{BIG_ID}/", f"/api/v1/me/addresses/{BIG_ID}/"])
def test_other_id_paths_of_2_63_are_a_404(customer_client, path):
    _envelope(customer_client().get(path), 404, "not_found")


# Strict JSON numbers.
NOT_INTEGERS = {
    "string": '"1"',
    "float": "1.0",
    "exponent": "1e0",
    "padded string": '" 1 "',
    "plus sign": '"+1"',
    "underscore": '"1_0"',
    "arabic digit": '"\\u0661"',
    "full-width digit": '"\\uff11"',
    "boolean": "true",
    "null": "null",
}


def _with(body: dict, placeholder: str, raw: str) -> str:
    return json.dumps(body).replace(f'"{placeholder}"', raw)


@pytest.mark.parametrize("raw", list(NOT_INTEGERS.values()), ids=list(NOT_INTEGERS))
@pytest.mark.parametrize("field", ["quantity", "product_id"])
def test_an_order_item_number_that_is_not_a_json_integer_is_a_400(api_client, field, raw):
    product = ProductFactory(stock=50)
    body = order_body((product.pk, 1))
    body["items"][0][field] = "PLACEHOLDER"
    response = api_client.post(
        "/api/v1/orders/",
        _with(body, "PLACEHOLDER", raw),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    error = _envelope(response, 400, "invalid")
    assert field in error["details"]["items"]["0"]  # the field is named
    assert not Order.objects.exists()
    assert Product.objects.get(pk=product.pk).stock == 50


@pytest.mark.parametrize("raw", list(NOT_INTEGERS.values()), ids=list(NOT_INTEGERS))
def test_a_cart_quantity_that_is_not_a_json_integer_is_a_400(customer_client, raw):
    product = ProductFactory(stock=50)
    client = customer_client()
    response = client.put(
        f"/api/v1/cart/items/{product.pk}/",
        _with({"quantity": "PLACEHOLDER"}, "PLACEHOLDER", raw),
        content_type="application/json",
    )
    assert "quantity" in _envelope(response, 400, "invalid")["details"]
    assert cart_get(user=get_user_model().objects.get()).lines == []


@pytest.mark.parametrize("raw", ['"1"', "1.0", "true"], ids=["string", "float", "boolean"])
def test_a_shipping_address_id_that_is_not_a_json_integer_is_a_400(customer_client, raw):
    product = ProductFactory(stock=5)
    body = {"items": [{"product_id": product.pk, "quantity": 1}], "shipping_address_id": "P"}
    response = customer_client().post(
        "/api/v1/orders/", _with(body, "P", raw), content_type="application/json"
    )
    assert "shipping_address_id" in _envelope(response, 400, "invalid")["details"]
    assert not Order.objects.exists()


def test_a_cart_quantity_over_the_limit_is_a_400(customer_client, settings):
    product = ProductFactory(stock=500)
    response = customer_client().put(
        f"/api/v1/cart/items/{product.pk}/",
        {"quantity": settings.SHOP_MAX_QUANTITY + 1},
        format="json",
    )
    _envelope(response, 400, "invalid")


# ID tokens from a key the pool trusts, with claims the shop would store.
BAD_CLAIMS = {
    "sub with NUL": {"sub": "a\x00b"},
    "email with NUL": {"email": "ann\x00@example.com"},
    "sub over 128 characters": {"sub": "s" * 129},
    "email over 254 characters": {"email": "a" * 250 + "@example.com"},
    "given name with NUL": {"given_name": "Ann\x00"},
    "sub not a string": {"sub": 12345},
    "email not a string": {"email": ["ann@example.com"]},
    "empty sub": {"sub": ""},
}


@pytest.mark.parametrize("claims", list(BAD_CLAIMS.values()), ids=list(BAD_CLAIMS))
def test_token_claims_that_cannot_be_stored_are_a_401(api_client, cognito, claims):
    token = cognito.token(**claims)
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    _envelope(response, 401, "authentication_failed")
    assert not get_user_model().objects.exists()


# Correctly signed webhook bodies that are not an event object.
@pytest.mark.parametrize(
    "payload",
    [b"[" * 100_000, b"[1,2]", b'"event"', b"null", b'{"id": "evt_1", "type": "x", "data": []}'],
    ids=["deeply nested", "an array", "a string", "null", "data not an object"],
)
def test_a_signed_webhook_body_that_is_not_an_event_is_a_400(api_client, settings, payload):
    settings.PAYMENTS_PROVIDER = "local"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    response = deliver(api_client, payload, WEBHOOK_SECRET)
    _envelope(response, 400, "invalid_webhook")
    assert not WebhookEvent.objects.exists()


# Fields a body does not declare: refused (a typo is not silently dropped, a price sent by a
# client is never used).
def test_a_price_sent_by_a_client_is_refused_and_nothing_is_written(api_client):
    product = ProductFactory(stock=5)
    body = order_body((product.pk, 2))
    body["items"][0]["unit_price"] = "0.01"
    body["total"] = "0.01"
    error = _envelope(_guest_post(api_client, body), 400, "invalid")
    assert error["details"]["total"] == ["Unknown field."]
    assert error["details"]["items"]["0"]["unit_price"] == ["Unknown field."]
    assert not Order.objects.exists()
    assert Product.objects.get(pk=product.pk).stock == 5


def test_a_misspelt_cart_field_is_refused(customer_client):
    product = ProductFactory(stock=5)
    response = customer_client().put(
        f"/api/v1/cart/items/{product.pk}/", {"quantiy": 2}, format="json"
    )
    details = _envelope(response, 400, "invalid")["details"]
    assert details["quantiy"] == ["Unknown field."] and "quantity" in details


def test_a_cart_merge_of_more_than_200_items_is_a_400(customer_client):
    items = [{"product_id": n, "quantity": 1} for n in range(1, 202)]
    response = customer_client().post("/api/v1/cart/merge/", {"items": items}, format="json")
    assert "items" in _envelope(response, 400, "invalid")["details"]


@pytest.mark.parametrize("query", ["page=1&page=2", "category=a&category=b"])
def test_a_query_parameter_given_twice_is_a_400(api_client, query):
    error = _envelope(api_client.get(f"/api/v1/products/?{query}"), 400, "bad_request")
    assert list(error["details"]) == [query.split("=")[0]]


@pytest.mark.parametrize("key", ["short-key", "k" * 21, "a key with spaces"])
def test_a_customer_key_not_in_the_documented_form_is_a_400(customer_client, key):
    product = ProductFactory(stock=5)
    response = customer_client().post(
        "/api/v1/orders/",
        {"items": [{"product_id": product.pk, "quantity": 1}]},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert "Idempotency-Key" in _envelope(response, 400, "invalid")["details"]
    assert not Order.objects.exists()


@pytest.mark.parametrize("raw", ["0", "1", '"yes"', '"true"'])
def test_an_address_default_flag_that_is_not_a_json_boolean_is_a_400(customer_client, raw):
    body = (
        json.dumps(
            {"line1": "Main Street 1", "city": "Oslo", "postal_code": "0150", "country": "NO"}
        )[:-1]
        + f', "is_default": {raw}}}'
    )
    response = customer_client().post(
        "/api/v1/me/addresses/", body, content_type="application/json"
    )
    assert "is_default" in _envelope(response, 400, "invalid")["details"]


@pytest.mark.parametrize("raw", ["12", "1.5", "true", "[]"])
def test_text_that_is_not_a_json_string_is_a_400(api_client, raw):
    product = ProductFactory(stock=5)
    body = order_body((product.pk, 1))
    body["shipping_address"]["postal_code"] = "PLACEHOLDER"
    response = api_client.post(
        "/api/v1/orders/",
        _with(body, "PLACEHOLDER", raw),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    error = _envelope(response, 400, "invalid")
    assert "postal_code" in error["details"]["shipping_address"]
    assert not Order.objects.exists()
