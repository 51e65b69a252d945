"""The live schema and the server agree at the edges: each bound the schema states is where
the server starts refusing (values read from the schema, so either side drifting fails)."""

import json
import uuid

import pytest

from tests.factories import ProductFactory
from tests.orders.bodies import order_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client) -> dict:
    return json.loads(client.get("/api/schema/?format=json").content)


def _parameter(schema, path, method, name) -> dict:
    for parameter in schema["paths"][path][method]["parameters"]:
        if parameter["name"] == name:
            return parameter["schema"]
    raise AssertionError(f"{method} {path} documents no {name}")


def _component(schema, name) -> dict:
    return schema["components"]["schemas"][name]


@pytest.mark.parametrize("path", ["/api/v1/products/", "/api/v1/categories/"])
def test_page_size_bounds_are_where_the_server_refuses(api_client, schema, path):
    bounds = _parameter(schema, path, "get", "page_size")
    assert api_client.get(path, {"page_size": bounds["minimum"]}).status_code == 200
    assert api_client.get(path, {"page_size": bounds["maximum"]}).status_code == 200
    assert api_client.get(path, {"page_size": bounds["minimum"] - 1}).status_code == 400
    assert api_client.get(path, {"page_size": bounds["maximum"] + 1}).status_code == 400


def test_page_bounds_are_where_the_server_refuses(api_client, schema):
    ProductFactory()
    bounds = _parameter(schema, "/api/v1/products/", "get", "page")
    assert api_client.get("/api/v1/products/", {"page": bounds["minimum"]}).status_code == 200
    # In bounds but past the end: a 404, as documented; past the bound: a 400.
    assert api_client.get("/api/v1/products/", {"page": bounds["maximum"]}).status_code == 404
    assert api_client.get("/api/v1/products/", {"page": bounds["maximum"] + 1}).status_code == 400
    assert api_client.get("/api/v1/products/", {"page": bounds["minimum"] - 1}).status_code == 400


def test_the_orders_list_is_documented_as_the_page_it_answers(customer_client, schema):
    names = {p["name"] for p in schema["paths"]["/api/v1/orders/"]["get"]["parameters"]}
    assert {"page", "page_size"} <= names
    page = schema["paths"]["/api/v1/orders/"]["get"]["responses"]["200"]["content"]
    component = page["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    documented = set(_component(schema, component)["properties"])
    assert set(customer_client().get("/api/v1/orders/").json()) == documented


def test_cart_quantity_bounds_are_where_the_server_refuses(customer_client, schema):
    bounds = _component(schema, "CartItemInput")["properties"]["quantity"]
    product = ProductFactory(stock=bounds["maximum"] + 5)
    client = customer_client()
    url = f"/api/v1/cart/items/{product.pk}/"
    assert client.put(url, {"quantity": bounds["maximum"]}, format="json").status_code == 200
    assert client.put(url, {"quantity": bounds["minimum"]}, format="json").status_code == 200
    assert client.put(url, {"quantity": bounds["maximum"] + 1}, format="json").status_code == 400
    assert client.put(url, {"quantity": bounds["minimum"] - 1}, format="json").status_code == 400


def _guest(api_client, body):
    return api_client.post(
        "/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )


def test_order_lines_and_text_lengths_are_where_the_server_refuses(api_client, schema, settings):
    settings.SHOP_MAX_GUEST_ORDER_UNITS = 1000
    settings.SHOP_MAX_UNPAID_UNITS_PER_CLIENT = 1000
    order = _component(schema, "CustomerOrderPlaceInput")["properties"]["items"]
    line1 = _component(schema, "AddressInput")["properties"]["line1"]
    products = ProductFactory.create_batch(order["maxItems"] + 1, stock=5)
    lines = [(p.pk, 1) for p in products]

    too_many = _guest(api_client, order_body(*lines))
    assert too_many.status_code == 400 and "items" in too_many.json()["error"]["details"]
    body = order_body(*lines[: order["maxItems"]])
    body["shipping_address"]["line1"] = "x" * (line1["maxLength"] + 1)
    too_long = _guest(api_client, body)
    assert list(too_long.json()["error"]["details"]) == ["shipping_address"]
    body["shipping_address"]["line1"] = "x" * line1["maxLength"]
    assert _guest(api_client, body).status_code == 201
    assert _guest(api_client, order_body()).status_code == 400  # minItems
    assert order["minItems"] == 1


def test_request_bodies_refuse_what_the_schema_does_not_declare(customer_client, schema):
    assert _component(schema, "CartItemInput")["additionalProperties"] is False
    product = ProductFactory(stock=5)
    response = customer_client().put(
        f"/api/v1/cart/items/{product.pk}/", {"quantity": 1, "extra": 1}, format="json"
    )
    assert response.status_code == 400


def test_the_idempotency_key_pattern_is_the_servers_rule(customer_client, schema):
    import re

    documented = _parameter(schema, "/api/v1/orders/", "post", "Idempotency-Key")
    pattern = re.compile(documented["pattern"])
    product = ProductFactory(stock=10)
    client = customer_client()
    body = {
        "items": [{"product_id": product.pk, "quantity": 1}],
        "shipping_address": order_body()["shipping_address"],
    }
    for key in [str(uuid.uuid4()), "A" * 11 + "b" * 11, "k" * 21, "not a key", "x" * 256]:
        answer = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert (answer.status_code == 201) == bool(pattern.match(key)), (key, answer.json())


def test_a_path_id_at_the_documented_maximum_is_a_404_envelope(api_client, schema):
    bounds = _parameter(schema, "/api/v1/products/{id}/", "get", "id")
    for value in (bounds["maximum"], bounds["maximum"] + 1):
        response = api_client.get(f"/api/v1/products/{value}/")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_every_operation_documents_the_statuses_every_request_can_get(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"400", "401", "503"} <= documented, (method, path)
            if "requestBody" in operation:
                assert {"413", "415"} <= documented, (method, path)
            if "{" in path:
                assert "404" in documented, (method, path)


def test_every_request_body_and_parameter_has_an_example(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                has = "example" in parameter or "examples" in parameter
                assert has or "example" in parameter["schema"], (method, path, parameter["name"])
            if "requestBody" in operation:
                content = operation["requestBody"]["content"]["application/json"]
                assert content.get("examples"), (method, path)


def test_every_write_documents_the_conflict_it_can_meet(schema):
    writes = [
        (path, method, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in ("post", "put", "patch", "delete")
    ]
    assert writes
    for path, method, operation in writes:
        conflict = operation["responses"]["409"]
        assert "changed by another request" in conflict["description"], (method, path)
        assert "Retry-After" in conflict["headers"], (method, path)
    # A 409 the operation had already (stock) keeps what it said.
    placing = schema["paths"]["/api/v1/orders/"]["post"]["responses"]["409"]["description"]
    assert placing.startswith("Not enough stock")
