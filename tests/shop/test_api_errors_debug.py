"""With DEBUG on (every local run) the API still answers its errors in the envelope."""

import logging

import pytest

from orders.models import Order
from tests.factories import ProductFactory
from tests.orders.bodies import order_body

pytestmark = pytest.mark.django_db


def _error(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json", response.content[:200]
    return response.json()["error"]


@pytest.mark.parametrize("debug", [True, False], ids=["DEBUG on", "DEBUG off"])
def test_a_body_over_the_limit_is_a_413_envelope_in_every_mode(api_client, settings, debug):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    body = order_body((ProductFactory().pk, 1))
    body["customer"]["name"] = "x" * 5_000
    response = api_client.post("/api/v1/orders/", body, format="json")
    assert _error(response, 413)["code"] == "request_too_large"
    assert not Order.objects.exists()


def test_an_unhandled_error_is_the_500_envelope_and_the_traceback_goes_to_the_log(
    api_client, settings, monkeypatch, caplog
):
    settings.DEBUG = True

    def broken(**kwargs):
        raise RuntimeError("a bug deep inside")

    monkeypatch.setattr("catalog.apis.product_list", broken)
    with caplog.at_level(logging.ERROR, logger="shop.api"):
        response = api_client.get("/api/v1/products/")
    error = _error(response, 500)
    assert error["code"] == "server_error"
    assert b"a bug deep inside" not in response.content and b"Traceback" not in response.content
    assert any(
        record.exc_info and "a bug deep inside" in str(record.exc_info[1])
        for record in caplog.records
    )


def test_a_bad_host_is_the_400_envelope_with_debug_on(client, settings):
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["shop.example.com"]
    response = client.get("/api/v1/products/", HTTP_HOST="attacker.example.net")
    assert _error(response, 400)["code"] == "bad_request"
    assert b"ALLOWED_HOSTS" not in response.content


def test_the_admin_keeps_its_html_pages_with_debug_on(admin_client, settings):
    settings.DEBUG = True
    response = admin_client.get("/admin/orders/order/999999/change/", follow=True)
    assert response["Content-Type"].startswith("text/html")
