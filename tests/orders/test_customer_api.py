"""Signed-in customers: the server-side cart, checking it out, their own orders."""

from decimal import Decimal

import pytest

from orders.models import CartItem, Order
from tests.factories import ProductFactory
from tests.orders.bodies import GUEST, order_body

pytestmark = pytest.mark.django_db

ADDRESS = {"shipping_address": GUEST["shipping_address"]}


@pytest.fixture
def ann(customer_client):
    return customer_client("ann@example.com", given_name="Ann", family_name="Smith")


@pytest.fixture
def bob(customer_client):
    return customer_client("bob@example.com", given_name="Bob", family_name="Berg")


def _checkout(client, capture, body=None, **headers):
    with capture(execute=True):
        return client.post("/api/v1/orders/", body or ADDRESS, format="json", **headers)


def test_cart_shows_current_prices_and_totals(ann, tea, mug, settings):
    assert ann.get("/api/v1/cart/").json() == {
        "lines": [],
        "item_count": 0,
        "subtotal": "0.00",
        "currency": settings.SHOP_CURRENCY,
    }
    ann.put(f"/api/v1/cart/items/{tea.id}/", {"quantity": 2}, format="json")
    response = ann.put(f"/api/v1/cart/items/{mug.id}/", {"quantity": 1}, format="json")
    assert response.status_code == 200
    assert response.json()["subtotal"] == "21.00"

    tea.price = Decimal("5.00")
    tea.save()
    cart = ann.get("/api/v1/cart/").json()
    assert [
        (line["product"]["sku"], line["quantity"], line["line_total"]) for line in cart["lines"]
    ] == [
        ("TEA", 2, "10.00"),
        ("MUG", 1, "12.00"),
    ]
    assert (cart["subtotal"], cart["item_count"]) == ("22.00", 3)


def test_setting_a_quantity_again_replaces_it(ann, tea):
    ann.put(f"/api/v1/cart/items/{tea.id}/", {"quantity": 2}, format="json")
    response = ann.put(f"/api/v1/cart/items/{tea.id}/", {"quantity": 4}, format="json")
    assert [line["quantity"] for line in response.json()["lines"]] == [4]
    assert CartItem.objects.count() == 1


@pytest.mark.parametrize(
    ("quantity", "status", "code"),
    [
        (6, 409, "insufficient_stock"),
        (0, 400, "invalid"),
        ("x", 400, "invalid"),
        (None, 400, "invalid"),
    ],
)
def test_bad_quantities_are_refused_and_change_nothing(ann, tea, quantity, status, code):
    ann.put(f"/api/v1/cart/items/{tea.id}/", {"quantity": 1}, format="json")
    body = {} if quantity is None else {"quantity": quantity}

    response = ann.put(f"/api/v1/cart/items/{tea.id}/", body, format="json")

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert list(CartItem.objects.values_list("quantity", flat=True)) == [1]


def test_a_sold_out_quantity_lists_what_is_available(ann, mug):
    response = ann.put(f"/api/v1/cart/items/{mug.id}/", {"quantity": 3}, format="json")
    assert response.json()["error"]["details"] == {
        "items": [{"product_id": mug.id, "requested": 3, "available": 2}]
    }


def test_inactive_and_unknown_products_cannot_go_in_the_cart(ann):
    hidden = ProductFactory(is_active=False)
    for product_id in (hidden.id, 999999):
        response = ann.put(f"/api/v1/cart/items/{product_id}/", {"quantity": 1}, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "product_unavailable"
    assert not CartItem.objects.exists()


def test_removing_items_and_emptying_the_cart(ann, tea, mug):
    ann.put(f"/api/v1/cart/items/{tea.id}/", {"quantity": 1}, format="json")
    ann.put(f"/api/v1/cart/items/{mug.id}/", {"quantity": 1}, format="json")

    removed = ann.delete(f"/api/v1/cart/items/{tea.id}/")
    assert [line["product"]["id"] for line in removed.json()["lines"]] == [mug.id]
    again = ann.delete(f"/api/v1/cart/items/{tea.id}/")
    assert again.status_code == 404 and again.json()["error"]["code"] == "not_found"

    emptied = ann.delete("/api/v1/cart/")
    assert emptied.status_code == 200 and emptied.json()["lines"] == []


def test_a_hidden_product_stays_in_the_cart_marked_unavailable(ann, tea, mug):
    ann.put(f"/api/v1/cart/items/{tea.id}/", {"quantity": 1}, format="json")
    ann.put(f"/api/v1/cart/items/{mug.id}/", {"quantity": 1}, format="json")
    mug.is_active = False
    mug.save()

    cart = ann.get("/api/v1/cart/").json()

    assert [(line["product"]["id"], line["available"]) for line in cart["lines"]] == [
        (tea.id, True),
        (mug.id, False),
    ]
    assert cart["subtotal"] == "4.50"


def test_checking_out_the_cart_places_the_order_and_empties_it(
    ann, tea, mug, mailoutbox, django_capture_on_commit_callbacks
):
    ann.put(f"/api/v1/cart/items/{tea.id}/", {"quantity": 2}, format="json")
    ann.put(f"/api/v1/cart/items/{mug.id}/", {"quantity": 1}, format="json")

    response = _checkout(ann, django_capture_on_commit_callbacks)

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["customer"]["name"] == "Ann Smith"
    assert data["customer"]["email"] == "ann@example.com"
    assert data["access_token"] is None
    assert [(line["sku"], line["quantity"]) for line in data["lines"]] == [("TEA", 2), ("MUG", 1)]
    assert ann.get("/api/v1/cart/").json()["lines"] == []
    tea.refresh_from_db()
    assert tea.stock == 3
    order = Order.objects.get()
    assert order.user.email == "ann@example.com" and order.access_token_hash == ""
    assert mailoutbox[0].to == ["ann@example.com"]


def test_a_failed_checkout_keeps_the_cart(ann, tea, mug, django_capture_on_commit_callbacks):
    ann.put(f"/api/v1/cart/items/{tea.id}/", {"quantity": 2}, format="json")
    ann.put(f"/api/v1/cart/items/{mug.id}/", {"quantity": 2}, format="json")
    mug.stock = 1
    mug.save()

    response = _checkout(ann, django_capture_on_commit_callbacks)

    assert response.status_code == 409
    assert len(ann.get("/api/v1/cart/").json()["lines"]) == 2
    assert not Order.objects.exists()
    tea.refresh_from_db()
    assert tea.stock == 5


def test_explicit_items_leave_the_cart_alone(ann, tea, mug, django_capture_on_commit_callbacks):
    ann.put(f"/api/v1/cart/items/{tea.id}/", {"quantity": 1}, format="json")
    body = {
        **ADDRESS,
        "items": [{"product_id": mug.id, "quantity": 1}],
        "customer": {"name": "Gift"},
    }

    response = _checkout(ann, django_capture_on_commit_callbacks, body)

    assert response.status_code == 201
    assert response.json()["customer"]["name"] == "Gift"
    assert response.json()["customer"]["email"] == "ann@example.com"
    assert [line["product"]["id"] for line in ann.get("/api/v1/cart/").json()["lines"]] == [tea.id]


def test_an_empty_cart_cannot_be_checked_out(ann, django_capture_on_commit_callbacks):
    response = _checkout(ann, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "empty_cart"
    assert not Order.objects.exists()


def test_a_retried_cart_checkout_returns_the_order_it_placed(
    ann, tea, mug, mailoutbox, django_capture_on_commit_callbacks
):
    ann.put(f"/api/v1/cart/items/{tea.id}/", {"quantity": 2}, format="json")
    key = {"HTTP_IDEMPOTENCY_KEY": "5f0c6f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"}
    first = _checkout(ann, django_capture_on_commit_callbacks, **key)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers

    # The answer was lost; the SPA retries. The cart is empty now, the order is not lost.
    again = _checkout(ann, django_capture_on_commit_callbacks, **key)

    assert again.status_code == 201, again.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["reference"] == first.json()["reference"]
    assert again.headers["Location"] == first.headers["Location"]
    assert Order.objects.count() == 1 and len(mailoutbox) == 1
    tea.refresh_from_db()
    assert tea.stock == 3


def test_the_same_key_with_another_cart_request_is_refused(
    ann, tea, django_capture_on_commit_callbacks
):
    ann.put(f"/api/v1/cart/items/{tea.id}/", {"quantity": 1}, format="json")
    key = {"HTTP_IDEMPOTENCY_KEY": "0d3c1e6a-4b1f-4a53-9a0e-6f7d8c9b0a1b"}
    assert _checkout(ann, django_capture_on_commit_callbacks, **key).status_code == 201
    ann.put(f"/api/v1/cart/items/{tea.id}/", {"quantity": 1}, format="json")
    other = {**ADDRESS, "customer": {"name": "Someone else"}}

    response = _checkout(ann, django_capture_on_commit_callbacks, other, **key)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1
    assert CartItem.objects.filter(cart__user__email="ann@example.com").count() == 1


def test_customers_see_only_their_own_orders_and_carts(
    ann, bob, tea, mug, api_client, django_capture_on_commit_callbacks
):
    ann.put(f"/api/v1/cart/items/{tea.id}/", {"quantity": 1}, format="json")
    mine = _checkout(ann, django_capture_on_commit_callbacks).json()
    ann.put(f"/api/v1/cart/items/{mug.id}/", {"quantity": 1}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/v1/orders/", order_body((tea.id, 1)), format="json")  # a guest

    assert bob.get("/api/v1/orders/").json()["results"] == []
    assert bob.get(f"/api/v1/orders/{mine['reference']}/").status_code == 404
    assert bob.get("/api/v1/cart/").json()["lines"] == []
    assert bob.delete(f"/api/v1/cart/items/{mug.id}/").status_code == 404
    assert [line["product"]["id"] for line in ann.get("/api/v1/cart/").json()["lines"]] == [mug.id]

    own = ann.get(f"/api/v1/orders/{mine['reference']}/")
    assert own.status_code == 200 and own.json()["reference"] == mine["reference"]
    listed = ann.get("/api/v1/orders/").json()
    assert [order["reference"] for order in listed["results"]] == [mine["reference"]]


def test_own_orders_are_newest_first_and_cost_constant_queries(
    ann, tea, django_assert_num_queries, django_capture_on_commit_callbacks
):
    tea.stock = 50
    tea.save()
    references = [
        _checkout(
            ann,
            django_capture_on_commit_callbacks,
            {**ADDRESS, "items": [{"product_id": tea.id, "quantity": 1}]},
        ).json()["reference"]
        for _ in range(4)
    ]
    ann.get("/api/v1/me/")  # the customer exists; now count a listing's queries

    # User lookup, COUNT, the page of orders, their lines, their status changes.
    with django_assert_num_queries(5):
        listed = ann.get("/api/v1/orders/", {"page_size": 10}).json()
    assert [order["reference"] for order in listed["results"]] == references[::-1]


def test_idempotency_keys_of_customers_and_guests_do_not_collide(
    ann, tea, api_client, django_capture_on_commit_callbacks
):
    body = {**ADDRESS, "items": [{"product_id": tea.id, "quantity": 1}]}
    key = {"HTTP_IDEMPOTENCY_KEY": "9b2e4c1a-7d3f-4e8b-a6c5-1f0e9d8c7b6a"}
    first = _checkout(ann, django_capture_on_commit_callbacks, body, **key)
    with django_capture_on_commit_callbacks(execute=True):
        guest = api_client.post("/api/v1/orders/", order_body((tea.id, 1)), format="json", **key)
    again = _checkout(ann, django_capture_on_commit_callbacks, body, **key)

    assert first.status_code == guest.status_code == again.status_code == 201
    assert guest.json()["reference"] != first.json()["reference"]
    assert again.json()["reference"] == first.json()["reference"]
    assert Order.objects.count() == 2


def test_signed_in_customers_are_not_held_by_the_guest_throttle(
    ann, tea, settings, django_capture_on_commit_callbacks
):
    settings.SHOP_ORDER_THROTTLE_ANON = "1/min"
    body = {**ADDRESS, "items": [{"product_id": tea.id, "quantity": 1}]}
    statuses = [
        _checkout(ann, django_capture_on_commit_callbacks, body).status_code for _ in range(3)
    ]
    assert statuses == [201, 201, 201]
