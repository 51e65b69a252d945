"""The customer's address book, and checking out to one of its addresses."""

import pytest

from orders.models import CustomerAddress, Order
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/addresses/"
HOME = {"name": "Home", "line1": "Main Street 1", "city": "Oslo", "postal_code": "0150",
        "country": "no"}  # fmt: skip
WORK = {"name": "Work", "line1": "Quay 9", "city": "Bergen", "postal_code": "5003", "country": "NO"}


@pytest.fixture
def ann(customer_client):
    return customer_client("ann@example.com", given_name="Ann", family_name="Smith")


@pytest.fixture
def bob(customer_client):
    return customer_client("bob@example.com")


def test_the_first_address_is_the_default_and_one_default_at_most(ann):
    home = ann.post(URL, HOME, format="json")
    assert home.status_code == 201
    assert home.json()["is_default"] is True and home.json()["country"] == "NO"
    work = ann.post(URL, {**WORK, "is_default": True}, format="json").json()

    listed = ann.get(URL).json()
    assert [(a["name"], a["is_default"]) for a in listed] == [("Work", True), ("Home", False)]

    ann.patch(f"{URL}{home.json()['id']}/", {"is_default": True, "city": "Oslo S"}, format="json")
    listed = ann.get(URL).json()
    assert [(a["name"], a["city"], a["is_default"]) for a in listed] == [
        ("Home", "Oslo S", True),
        ("Work", "Bergen", False),
    ]
    assert ann.delete(f"{URL}{home.json()['id']}/").status_code == 204
    assert [(a["id"], a["is_default"]) for a in ann.get(URL).json()] == [(work["id"], True)]


def test_another_customers_address_does_not_exist(ann, bob):
    home = ann.post(URL, HOME, format="json").json()
    for method in ("get", "patch", "delete"):
        response = getattr(bob, method)(f"{URL}{home['id']}/", {"city": "X"}, format="json")
        assert response.status_code == 404, method
        assert response.json()["error"]["code"] == "not_found"
    assert CustomerAddress.objects.get().city == "Oslo"
    assert bob.get(URL).json() == []


def test_bad_addresses_are_refused_and_nothing_is_written(ann, api_client):
    assert api_client.get(URL).status_code == 401
    response = ann.post(URL, {**HOME, "country": "Norway"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"country"}
    assert not CustomerAddress.objects.exists()


def test_checkout_to_an_address_of_the_book_or_the_default(ann, bob):
    mug = ProductFactory(stock=9)
    ann.post(URL, HOME, format="json")
    work = ann.post(URL, WORK, format="json").json()
    items = {"items": [{"product_id": mug.pk, "quantity": 1}]}

    by_id = ann.post("/api/v1/orders/", {**items, "shipping_address_id": work["id"]}, format="json")
    default = ann.post("/api/v1/orders/", items, format="json")

    assert by_id.status_code == default.status_code == 201
    assert by_id.json()["shipping_address"]["city"] == "Bergen"
    assert default.json()["shipping_address"]["city"] == "Oslo"
    # The order keeps its own copy: changing the book later changes no order.
    ann.patch(f"{URL}{work['id']}/", {"city": "Stavanger"}, format="json")
    assert Order.objects.get(reference=by_id.json()["reference"]).shipping_city == "Bergen"

    # Someone else's address id is not an address of yours.
    stolen = bob.post(
        "/api/v1/orders/", {**items, "shipping_address_id": work["id"]}, format="json"
    )
    assert stolen.status_code == 404
    assert Order.objects.count() == 2
    mug.refresh_from_db()
    assert mug.stock == 7


def test_checkout_without_any_address_is_a_clear_400(ann):
    mug = ProductFactory(stock=9)
    response = ann.post(
        "/api/v1/orders/", {"items": [{"product_id": mug.pk, "quantity": 1}]}, format="json"
    )
    assert response.status_code == 400
    assert "shipping_address" in response.json()["error"]["details"]
    assert not Order.objects.exists()
