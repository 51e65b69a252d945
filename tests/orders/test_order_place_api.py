import uuid
from decimal import Decimal

import pytest

from orders.models import IdempotencyKey, Order, OrderLine, OrderStatusChange
from orders.tokens import token_hash
from tests.factories import ProductFactory
from tests.orders.bodies import order_body

pytestmark = pytest.mark.django_db

KEY_1, KEY_2, KEY_3 = (str(uuid.uuid4()) for _ in range(3))

URL = "/api/v1/orders/"


def _place(api_client, body, capture, **headers):
    with capture(execute=True):
        return api_client.post(URL, body, format="json", **headers)


def _assert_nothing_written(*products, stock):
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0
    assert OrderStatusChange.objects.count() == 0
    assert IdempotencyKey.objects.count() == 0
    for product, expected in zip(products, stock, strict=True):
        product.refresh_from_db()
        assert product.stock == expected


def test_guest_places_an_order(
    api_client, tea, mug, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SHOP_SHIPPING_FEE = Decimal("4.90")
    body = order_body((tea.id, 2), (mug.id, 1))

    response = _place(api_client, body, django_capture_on_commit_callbacks)

    assert response.status_code == 201, response.json()
    data = response.json()
    order = Order.objects.get()
    assert data["reference"] == order.reference
    assert response["Location"] == f"/api/v1/orders/{order.reference}/"
    assert data["status"] == "placed"
    assert [
        (li["sku"], li["unit_price"], li["quantity"], li["line_total"]) for li in data["lines"]
    ] == [
        ("TEA", "4.50", 2, "9.00"),
        ("MUG", "12.00", 1, "12.00"),
    ]
    assert (data["subtotal"], data["shipping"], data["total"]) == ("21.00", "4.90", "25.90")
    assert order.total == Decimal("25.90") and order.currency == settings.SHOP_CURRENCY
    assert data["customer"] == body["customer"]
    assert [change["status"] for change in data["status_history"]] == ["placed"]
    tea.refresh_from_db()
    mug.refresh_from_db()
    assert (tea.stock, mug.stock) == (3, 1)
    # The token is shown once; only its hash is kept.
    assert len(data["access_token"]) >= 32
    assert order.access_token_hash == token_hash(data["access_token"])
    assert data["access_token"] not in str(Order.objects.values().get())
    # The confirmation went out after the commit.
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ann@example.com"] and order.reference in mail.subject
    assert "Tea" in mail.body and "25.90" in mail.body
    assert "25.90" in mail.alternatives[0][0] and mail.alternatives[0][1] == "text/html"


def test_repeated_products_are_merged_into_one_line(
    api_client, tea, django_capture_on_commit_callbacks
):
    response = _place(
        api_client, order_body((tea.id, 1), (tea.id, 2)), django_capture_on_commit_callbacks
    )
    assert response.status_code == 201
    assert [(li["product_id"], li["quantity"]) for li in response.json()["lines"]] == [(tea.id, 3)]


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: b.pop("customer"), "customer"),
        (lambda b: b["customer"].update(email="not-an-email"), "customer"),
        (lambda b: b["customer"].update(name=""), "customer"),
        (lambda b: b["shipping_address"].update(country="Norway"), "shipping_address"),
        (lambda b: b["shipping_address"].pop("city"), "shipping_address"),
        (lambda b: b.update(items=[]), "items"),
        (lambda b: b.update(items="tea"), "items"),
        (lambda b: b["items"][0].update(quantity=0), "items"),
        (lambda b: b["items"][0].update(quantity=-3), "items"),
        (lambda b: b["items"][0].update(quantity="two"), "items"),
        (lambda b: b["items"][0].update(product_id="abc"), "items"),
        (lambda b: b["items"][0].pop("product_id"), "items"),
    ],
)
def test_invalid_fields_are_a_400_and_write_nothing(
    api_client, tea, mailoutbox, django_capture_on_commit_callbacks, mutate, field
):
    body = order_body((tea.id, 1))
    mutate(body)

    response = _place(api_client, body, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["details"]
    _assert_nothing_written(tea, stock=[5])
    assert mailoutbox == []


def test_quantity_over_the_limit_is_refused(
    api_client, tea, settings, django_capture_on_commit_callbacks
):
    settings.SHOP_MAX_QUANTITY = 3
    tea.stock = 100
    tea.save()
    response = _place(
        api_client, order_body((tea.id, 2), (tea.id, 2)), django_capture_on_commit_callbacks
    )
    assert response.status_code == 400
    assert "items" in response.json()["error"]["details"]
    _assert_nothing_written(tea, stock=[100])


def test_too_many_lines_are_refused(
    api_client, tea, mug, settings, django_capture_on_commit_callbacks
):
    settings.SHOP_MAX_ORDER_LINES = 1
    response = _place(
        api_client, order_body((tea.id, 1), (mug.id, 1)), django_capture_on_commit_callbacks
    )
    assert response.status_code == 400
    _assert_nothing_written(tea, mug, stock=[5, 2])


def test_unknown_and_inactive_products_are_refused(
    api_client, tea, mug, django_capture_on_commit_callbacks
):
    mug.is_active = False
    mug.save()

    response = _place(
        api_client,
        order_body((tea.id, 1), (mug.id, 1), (999999, 1)),
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "product_unavailable"
    assert error["details"] == {"items": [{"product_id": mug.id}, {"product_id": 999999}]}
    _assert_nothing_written(tea, mug, stock=[5, 2])


def test_not_enough_stock_is_a_409_listing_each_short_item(
    api_client, tea, mug, mailoutbox, django_capture_on_commit_callbacks
):
    response = _place(
        api_client, order_body((tea.id, 6), (mug.id, 3)), django_capture_on_commit_callbacks
    )

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "insufficient_stock"
    assert error["message"] == "Not enough stock for 2 item(s)."
    assert error["details"] == {
        "items": [
            {"product_id": tea.id, "requested": 6, "available": 5},
            {"product_id": mug.id, "requested": 3, "available": 2},
        ]
    }
    _assert_nothing_written(tea, mug, stock=[5, 2])
    assert mailoutbox == []


def test_malformed_json_is_a_400_envelope(api_client, tea):
    response = api_client.generic("POST", URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    _assert_nothing_written(tea, stock=[5])


def test_idempotent_retry_returns_the_original_order(
    api_client, tea, mailoutbox, django_capture_on_commit_callbacks
):
    body = order_body((tea.id, 2))
    first = _place(api_client, body, django_capture_on_commit_callbacks, HTTP_IDEMPOTENCY_KEY=KEY_1)
    retry = _place(api_client, body, django_capture_on_commit_callbacks, HTTP_IDEMPOTENCY_KEY=KEY_1)

    assert first.status_code == retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert retry.json() == first.json()  # the same reference and the same access token
    assert Order.objects.count() == 1
    tea.refresh_from_db()
    assert tea.stock == 3
    assert len(mailoutbox) == 1
    # The replayed token really opens the order.
    token = retry.json()["access_token"]
    detail = api_client.get(retry["Location"], HTTP_X_ORDER_TOKEN=token)
    assert detail.status_code == 200


def test_idempotency_key_reused_with_another_body_is_a_422(
    api_client, tea, django_capture_on_commit_callbacks
):
    _place(
        api_client,
        order_body((tea.id, 1)),
        django_capture_on_commit_callbacks,
        HTTP_IDEMPOTENCY_KEY=KEY_2,
    )

    response = _place(
        api_client,
        order_body((tea.id, 2)),
        django_capture_on_commit_callbacks,
        HTTP_IDEMPOTENCY_KEY=KEY_2,
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1
    tea.refresh_from_db()
    assert tea.stock == 4


def test_a_failed_attempt_does_not_burn_its_idempotency_key(
    api_client, tea, django_capture_on_commit_callbacks
):
    body = order_body((tea.id, 9))
    refused = _place(
        api_client, body, django_capture_on_commit_callbacks, HTTP_IDEMPOTENCY_KEY=KEY_3
    )
    assert refused.status_code == 409
    tea.stock = 10
    tea.save()

    retried = _place(
        api_client, body, django_capture_on_commit_callbacks, HTTP_IDEMPOTENCY_KEY=KEY_3
    )

    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried


@pytest.mark.parametrize(
    "key",
    [
        "",
        "has space",
        "x" * 256,
        "tab\there",
        "k",  # short: guessable, and squattable by another guest
        "order-1",
        "a" * 40,  # long but not random
        "0000000000000000000000000",
    ],
)
def test_malformed_or_guessable_guest_idempotency_key_is_a_400(
    api_client, tea, key, django_capture_on_commit_callbacks
):
    response = _place(
        api_client,
        order_body((tea.id, 1)),
        django_capture_on_commit_callbacks,
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["details"]
    if key and " " not in key and "\t" not in key and len(key) < 256:
        assert "unguessable" in str(response.json()["error"]["details"])
    _assert_nothing_written(tea, stock=[5])


def test_guest_reads_the_order_only_with_its_token(
    api_client, tea, mug, django_capture_on_commit_callbacks
):
    mine = _place(api_client, order_body((tea.id, 1)), django_capture_on_commit_callbacks).json()
    other = _place(api_client, order_body((mug.id, 1)), django_capture_on_commit_callbacks).json()
    url = f"{URL}{mine['reference']}/"

    ok = api_client.get(url, HTTP_X_ORDER_TOKEN=mine["access_token"])
    assert ok.status_code == 200
    assert ok.json()["reference"] == mine["reference"]
    assert "access_token" not in ok.json()
    lower = api_client.get(url.lower(), HTTP_X_ORDER_TOKEN=mine["access_token"])
    assert lower.status_code == 200

    for headers in (
        {},
        {"HTTP_X_ORDER_TOKEN": ""},
        {"HTTP_X_ORDER_TOKEN": "wrong"},
        {"HTTP_X_ORDER_TOKEN": other["access_token"]},
    ):
        response = api_client.get(url, **headers)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert api_client.get(f"{URL}NOPE0-NOPE0/", HTTP_X_ORDER_TOKEN="x").status_code == 404


def test_guest_order_placement_is_throttled(
    api_client, tea, settings, django_capture_on_commit_callbacks
):
    settings.SHOP_ORDER_THROTTLE_ANON = "2/min"
    statuses = [
        _place(api_client, order_body((tea.id, 1)), django_capture_on_commit_callbacks).status_code
        for _ in range(3)
    ]
    assert statuses == [201, 201, 429]
    response = _place(api_client, order_body((tea.id, 1)), django_capture_on_commit_callbacks)
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    assert Order.objects.count() == 2


def test_reference_is_short_unique_and_not_sequential(
    api_client, tea, django_capture_on_commit_callbacks
):
    tea.stock = 50
    tea.save()
    references = [
        _place(api_client, order_body((tea.id, 1)), django_capture_on_commit_callbacks).json()[
            "reference"
        ]
        for _ in range(20)
    ]
    assert len(set(references)) == 20
    assert all(len(ref) == 11 and ref[5] == "-" for ref in references)
    assert references != sorted(references)


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])  # production's, and an offset
def test_fast_order_representation_equals_drf_generic_rendering(tea, mug, zone, settings):
    from rest_framework import serializers

    from orders.apis import OrderOutputSerializer
    from orders.services import Address, Customer, OrderItem, order_place, order_set_status

    settings.TIME_ZONE = zone
    settings.SHOP_SHIPPING_FEE = Decimal("3.5")
    order = order_place(
        items=[OrderItem(tea.id, 2), OrderItem(mug.id, 1)],
        customer=Customer(name="Zoë", email="z@example.com"),
        address=Address(line1="1 Road", city="Town", postal_code="1", country="US"),
    ).order
    order_set_status(order=order, status="paid")
    order = Order.objects.prefetch_related("lines", "status_changes").get(pk=order.pk)

    serializer = OrderOutputSerializer(order)
    generic = serializers.Serializer.to_representation(serializer, order)

    assert serializer.data == generic
    assert set(generic) == set(serializer.fields)


def test_a_clashing_reference_is_drawn_again(
    api_client, tea, monkeypatch, django_capture_on_commit_callbacks
):
    from orders.services import placement as services

    taken = _place(api_client, order_body((tea.id, 1)), django_capture_on_commit_callbacks)
    draws = iter([taken.json()["reference"], "NEWRE-FERNC"])
    monkeypatch.setattr(services, "_reference_new", lambda: next(draws))

    response = _place(api_client, order_body((tea.id, 1)), django_capture_on_commit_callbacks)

    assert response.status_code == 201
    assert response.json()["reference"] == "NEWRE-FERNC"
    tea.refresh_from_db()
    assert tea.stock == 3
    assert Order.objects.count() == 2


def test_guest_keys_are_kept_only_as_hashes(api_client, tea, django_capture_on_commit_callbacks):
    key = str(uuid.uuid4())
    placed = _place(
        api_client, order_body((tea.id, 1)), django_capture_on_commit_callbacks,
        HTTP_IDEMPOTENCY_KEY=key,
    )  # fmt: skip
    assert placed.status_code == 201
    stored = IdempotencyKey.objects.get()
    assert key not in stored.key and stored.key.startswith("sha256:")
    # Whoever does not hold the key cannot get the order's token from the database.
    assert placed.json()["access_token"] not in str(IdempotencyKey.objects.values().get())


def test_every_random_uuid_is_an_acceptable_guest_key():
    import secrets

    from orders.apis import _unguessable

    assert all(_unguessable(str(uuid.uuid4())) for _ in range(20_000))
    assert all(_unguessable(secrets.token_urlsafe(16)) for _ in range(20_000))
    assert not _unguessable("00000000-0000-0000-0000-000000000000")


@pytest.mark.parametrize("lines", [1, 4])
def test_a_checkout_costs_a_fixed_few_queries_plus_one_per_line(
    api_client, lines, django_assert_max_num_queries
):
    products = [ProductFactory(stock=50) for _ in range(lines)]
    body = order_body(*((p.pk, 1) for p in products))
    # Lock the client's holds and sum them (orders.holds), lock and read the products, take
    # each one's stock (the one query a line), check low stock, write order, the stock
    # ledger (one bulk insert for every line), lines and history (savepoint in, savepoint
    # out), the confirmation email into the outbox: the answer is drawn from what was written.
    with django_assert_max_num_queries(11 + lines):
        response = api_client.post("/api/v1/orders/", body, format="json")
    assert response.status_code == 201
    assert [line["slug"] for line in response.json()["lines"]] == [p.slug for p in products]
