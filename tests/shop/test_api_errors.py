"""Every answer under /api/ is the JSON envelope, whatever raised it; and CORS for the SPA."""

import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError, connection
from django.test import Client

from orders.models import Order
from reports.models import Report
from tests.factories import ProductFactory, StaffFactory
from tests.orders.bodies import order_body

pytestmark = pytest.mark.django_db

SPA = "https://storefront.example.com"


def _error(response) -> str:
    assert response["Content-Type"] == "application/json", response.content[:200]
    return response.json()["error"]["code"]


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_unknown_api_paths_are_404_for_every_method_even_with_csrf_checks(method):
    client = Client(enforce_csrf_checks=True)
    if method == "get":
        response = client.get("/api/v1/nowhere/")
    else:
        response = getattr(client, method)("/api/v1/nowhere/", "{}", "application/json")
    assert response.status_code == 404
    assert _error(response) == "not_found"


def test_a_session_call_without_csrf_token_is_a_403_envelope_and_writes_nothing():
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Report viewers"))
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    body = {"kinds": ["orders"], "date_from": "2026-01-01", "date_to": "2026-01-02"}
    response = client.post("/api/v1/reports/", body, content_type="application/json")
    assert response.status_code == 403
    assert _error(response) == "csrf_failed"
    assert not Report.objects.exists()


def test_a_body_over_the_limit_is_a_413_envelope(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    product = ProductFactory()
    body = order_body((product.pk, 1))
    body["customer"]["name"] = "x" * 5_000
    response = api_client.post("/api/v1/orders/", body, format="json")
    assert response.status_code == 413
    assert _error(response) == "request_too_large"
    assert not Order.objects.exists()


@pytest.mark.parametrize("raw", ["[" * 50_000, "{" * 50_000, '{"items": ' + "[" * 50_000])
def test_deeply_nested_json_is_a_400_not_a_500(api_client, raw):
    response = api_client.generic("POST", "/api/v1/orders/", raw, content_type="application/json")
    assert response.status_code == 400
    assert _error(response) == "parse_error"
    assert not Order.objects.exists()


def test_an_unsupported_media_type_is_a_415_envelope(api_client):
    response = api_client.generic("POST", "/api/v1/orders/", "a=1", content_type="text/plain")
    assert response.status_code == 415
    assert _error(response) == "unsupported_media_type"


def _database_down(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


def test_a_database_that_stops_answering_is_a_503_with_retry_after(api_client):
    ProductFactory()
    with connection.execute_wrapper(_database_down):
        response = api_client.get("/api/v1/products/")
    assert response.status_code == 503
    assert _error(response) == "database_unavailable"
    assert response["Retry-After"] == "5"


def test_placing_an_order_while_the_database_is_down_is_a_503_and_takes_nothing(api_client):
    product = ProductFactory(stock=3)
    with connection.execute_wrapper(_database_down):
        response = api_client.post("/api/v1/orders/", order_body((product.pk, 1)), format="json")
    assert response.status_code == 503
    product.refresh_from_db()
    assert product.stock == 3 and not Order.objects.exists()


def test_a_bad_host_is_a_400_envelope_without_a_traceback(client, settings):
    settings.ALLOWED_HOSTS = ["shop.example.com"]
    settings.DEBUG = False
    response = client.get("/api/v1/products/", HTTP_HOST="attacker.example.net")
    assert response.status_code == 400
    assert _error(response) == "bad_request"
    assert b"Traceback" not in response.content and b"ALLOWED_HOSTS" not in response.content


def test_preflight_allows_the_headers_the_spa_sends(client, settings):
    settings.CORS_ALLOWED_ORIGINS = [SPA]
    response = client.options(
        "/api/v1/orders/",
        HTTP_ORIGIN=SPA,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key, "
        "x-order-token",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == SPA
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key", "x-order-token"} <= allowed
    assert int(response["Access-Control-Max-Age"]) >= 600
    assert "Access-Control-Allow-Credentials" not in response


def test_answers_expose_the_headers_the_spa_reads(api_client, settings):
    settings.CORS_ALLOWED_ORIGINS = [SPA]
    product = ProductFactory()
    response = api_client.post(
        "/api/v1/orders/", order_body((product.pk, 1)), format="json", HTTP_ORIGIN=SPA
    )
    assert response.status_code == 201
    exposed = {h.strip() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert exposed == {"Idempotent-Replayed", "Location", "Retry-After"}


def test_other_origins_get_no_cors_grant(client, settings):
    settings.CORS_ALLOWED_ORIGINS = [SPA]
    response = client.get("/api/v1/products/", HTTP_ORIGIN="https://evil.example.net")
    assert "Access-Control-Allow-Origin" not in response
