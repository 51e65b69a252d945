"""After sign-in, the guest cart the SPA kept joins the customer's server cart."""

import pytest

from orders.models import CartItem
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/cart/merge/"


@pytest.fixture
def ann(customer_client):
    return customer_client("ann@example.com")


def test_merge_adds_up_caps_by_stock_and_reports_what_cannot_be_bought(ann, settings):
    settings.SHOP_MAX_QUANTITY = 10
    tea = ProductFactory(stock=5)
    mug = ProductFactory(stock=50)
    sold_out = ProductFactory(stock=0)
    hidden = ProductFactory(is_active=False)
    ann.put(f"/api/v1/cart/items/{tea.pk}/", {"quantity": 2}, format="json")
    guest_cart = [
        {"product_id": tea.pk, "quantity": 4},  # 2 + 4 = 6 wanted, 5 in stock
        {"product_id": mug.pk, "quantity": 7},
        {"product_id": mug.pk, "quantity": 7},  # 14 wanted, the limit is 10
        {"product_id": sold_out.pk, "quantity": 1},
        {"product_id": hidden.pk, "quantity": 1},
        {"product_id": 999_999, "quantity": 1},
    ]

    response = ann.post(URL, {"items": guest_cart}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert {line["product"]["id"]: line["quantity"] for line in body["lines"]} == {
        tea.pk: 5,
        mug.pk: 10,
    }
    assert body["merge"]["unavailable"] == sorted([sold_out.pk, hidden.pk, 999_999])
    assert body["merge"]["capped"] == [
        {"product_id": tea.pk, "requested": 6, "quantity": 5},
        {"product_id": mug.pk, "requested": 14, "quantity": 10},
    ]


def test_merge_needs_a_customer_and_valid_items(api_client, ann):
    assert api_client.post(URL, {"items": []}, format="json").status_code == 401
    response = ann.post(URL, {"items": [{"product_id": 1, "quantity": 0}]}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert not CartItem.objects.exists()


def test_merging_an_empty_guest_cart_changes_nothing(ann):
    tea = ProductFactory(stock=5)
    ann.put(f"/api/v1/cart/items/{tea.pk}/", {"quantity": 2}, format="json")
    body = ann.post(URL, {"items": []}, format="json").json()
    assert [(line["product"]["id"], line["quantity"]) for line in body["lines"]] == [(tea.pk, 2)]
    assert body["merge"] == {"unavailable": [], "capped": []}
