import json

import pytest
from django.test import RequestFactory

from shop.api.errors import handler500
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [True, False])
def test_unknown_api_url_is_a_404_envelope(client, settings, debug):
    settings.DEBUG = debug
    response = client.get("/api/v1/nowhere/")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "Not found.", "details": {}}
    }


def test_unhandled_error_is_a_500_envelope_without_internals():
    response = handler500(RequestFactory().get("/api/v1/products/"))
    assert response.status_code == 500
    body = json.loads(response.content)
    assert body["error"]["code"] == "server_error"
    assert "Traceback" not in response.content.decode()


def test_health_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_check_refuses_writes_with_the_envelope(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert response["Allow"] == "GET, HEAD"


def test_openapi_schema_documents_the_catalog(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    params = {p["name"] for p in schema["paths"]["/api/v1/products/"]["get"]["parameters"]}
    assert {"category", "search", "min_price", "max_price", "in_stock", "ordering"} <= params
    assert {"page", "page_size"} <= params


def test_api_docs_load_their_assets_locally(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "unpkg" not in html


def test_cors_allows_only_configured_origins(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://shop.example.com"]
    ProductFactory()

    allowed = client.get("/api/v1/products/", HTTP_ORIGIN="https://shop.example.com")
    other = client.get("/api/v1/products/", HTTP_ORIGIN="https://evil.example.net")

    assert allowed["Access-Control-Allow-Origin"] == "https://shop.example.com"
    assert "Access-Control-Allow-Origin" not in other


def test_openapi_schema_is_valid_without_warnings(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", target
    )
    schema = json.loads(target.read_text())
    errors = schema["paths"]["/api/v1/products/"]["get"]["responses"]["400"]
    assert errors["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorEnvelope")
