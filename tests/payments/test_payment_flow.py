"""Customers pay at checkout: the PaymentIntent, the webhook, once and only with the right sum."""

from decimal import Decimal

import pytest

from orders.models import Order, OrderStatus
from payments.models import Payment, PaymentStatus, WebhookEvent
from tests.factories import ProductFactory
from tests.orders.bodies import order_body
from tests.payments.events import WEBHOOK, WEBHOOK_SECRET, deliver, intent_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(api_client, stripe_api):
    """A guest order of 2 x 9.95: (reference, access token)."""
    product = ProductFactory(price=Decimal("9.95"), stock=5)
    body = api_client.post("/api/v1/orders/", order_body((product.pk, 2)), format="json").json()
    return body["reference"], body["access_token"]


def _pay(client, reference, token):
    return client.post(f"/api/v1/orders/{reference}/payment/", HTTP_X_ORDER_TOKEN=token)


def test_placing_an_order_makes_no_call_to_stripe(placed, stripe_api):
    assert stripe_api.requests == []


def test_the_payment_intent_is_made_from_the_order_once(api_client, placed, stripe_api):
    reference, token = placed
    first = _pay(api_client, reference, token)
    again = _pay(api_client, reference, token)

    assert first.status_code == 201 and again.status_code == 200
    assert first.json() == again.json()
    body = first.json()
    assert body["amount"] == "19.90" and body["currency"] == "EUR"
    assert body["client_secret"].startswith(body["payment_intent"] + "_secret_")
    [(_, _, form, key)] = stripe_api.calls("POST", "/v1/payment_intents")
    assert form["amount"] == "1990" and form["currency"] == "eur"
    assert form["metadata"] == {"order_reference": reference}
    assert key == f"shop-order-{reference}-payment-1"


def test_a_retry_after_a_lost_answer_gets_the_same_intent_from_stripe(
    api_client, placed, stripe_api
):
    reference, token = placed
    first = _pay(api_client, reference, token).json()
    # Our record of it is lost (say the answer never reached the database); Stripe's
    # idempotency key, derived from the order, still gives back the same intent.
    Payment.objects.all().delete()
    again = _pay(api_client, reference, token).json()
    assert again["payment_intent"] == first["payment_intent"]
    assert len(stripe_api.intents) == 1


def test_only_the_owner_or_the_token_holder_may_pay(api_client, placed, customer_client):
    reference, _ = placed
    assert _pay(api_client, reference, "wrong").status_code == 404
    assert customer_client().post(f"/api/v1/orders/{reference}/payment/").status_code == 404
    assert not Payment.objects.exists()


def test_a_signed_success_marks_the_order_paid_once(api_client, placed, stripe_api):
    reference, token = placed
    intent_id = _pay(api_client, reference, token).json()["payment_intent"]
    payload = intent_event(stripe_api.succeed(intent_id))

    first = deliver(api_client, payload, WEBHOOK_SECRET)
    again = deliver(api_client, payload, WEBHOOK_SECRET)  # Stripe redelivers

    assert first.status_code == again.status_code == 200
    assert first.json()["outcome"] == "order paid"
    assert again.json()["outcome"] == "duplicate event: already handled"
    order = Order.objects.get(reference=reference)
    assert order.status == OrderStatus.PAID
    assert [c.to_status for c in order.status_changes.all()] == ["placed", "paid"]
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED
    assert WebhookEvent.objects.count() == 1
    assert _pay(api_client, reference, token).status_code == 409


@pytest.mark.parametrize(
    "change",
    [{"amount_minor": 1}, {"currency": "usd"}],
    ids=["amount", "currency"],
)
def test_a_payment_that_does_not_match_the_order_leaves_it_unpaid(
    api_client, placed, stripe_api, change, caplog
):
    reference, token = placed
    intent_id = _pay(api_client, reference, token).json()["payment_intent"]
    payload = intent_event(stripe_api.succeed(intent_id), **change)

    response = deliver(api_client, payload, WEBHOOK_SECRET)

    assert response.status_code == 200
    assert "mismatch" in response.json()["outcome"]
    assert Order.objects.get(reference=reference).status == OrderStatus.PLACED
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.REQUIRES_PAYMENT and "but the order is" in payment.error
    assert any("does not match" in r.getMessage() for r in caplog.records)


def test_a_failed_payment_is_recorded_and_the_customer_can_try_again(
    api_client, placed, stripe_api
):
    reference, token = placed
    intent_id = _pay(api_client, reference, token).json()["payment_intent"]
    payload = intent_event(stripe_api.intents[intent_id], type="payment_intent.payment_failed")

    assert deliver(api_client, payload, WEBHOOK_SECRET).status_code == 200
    failed = Payment.objects.get()
    assert failed.status == PaymentStatus.FAILED and failed.error == "Your card was declined."
    retry = _pay(api_client, reference, token)
    assert retry.status_code == 201 and retry.json()["payment_intent"] != intent_id
    assert stripe_api.calls("POST", "/v1/payment_intents")[-1][3].endswith("-payment-2")


def test_unknown_event_types_are_acknowledged_and_ignored(api_client, placed, stripe_api):
    reference, token = placed
    intent_id = _pay(api_client, reference, token).json()["payment_intent"]
    payload = intent_event(stripe_api.intents[intent_id], type="charge.dispute.created")
    response = deliver(api_client, payload, WEBHOOK_SECRET)
    assert response.status_code == 200 and "ignored" in response.json()["outcome"]
    assert Order.objects.get(reference=reference).status == OrderStatus.PLACED


@pytest.mark.parametrize(
    "attack",
    ["forged signature", "missing header", "not json", "tampered body", "old timestamp"],
)
def test_a_webhook_that_cannot_be_verified_is_a_400_and_writes_nothing(
    api_client, placed, stripe_api, attack
):
    from payments.providers import event_sign

    reference, token = placed
    intent_id = _pay(api_client, reference, token).json()["payment_intent"]
    payload = intent_event(stripe_api.succeed(intent_id))
    signature = event_sign(payload, WEBHOOK_SECRET)
    headers = {"HTTP_STRIPE_SIGNATURE": signature}
    if attack == "forged signature":
        headers["HTTP_STRIPE_SIGNATURE"] = event_sign(payload, "whsec_guessed")
    elif attack == "missing header":
        headers = {}
    elif attack == "not json":
        payload = b"{not json"
        headers["HTTP_STRIPE_SIGNATURE"] = event_sign(payload, WEBHOOK_SECRET)
    elif attack == "tampered body":
        payload = payload.replace(b'"amount": 1990', b'"amount": 1')
    elif attack == "old timestamp":
        headers["HTTP_STRIPE_SIGNATURE"] = event_sign(payload, WEBHOOK_SECRET, timestamp=1)

    response = api_client.generic(
        "POST", WEBHOOK, payload, content_type="application/json", **headers
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_webhook"
    assert not WebhookEvent.objects.exists()
    assert Order.objects.get(reference=reference).status == OrderStatus.PLACED
    assert Payment.objects.get().status == PaymentStatus.REQUIRES_PAYMENT


def test_the_webhook_only_takes_posts(api_client):
    assert api_client.get(WEBHOOK).status_code == 405


def test_a_guest_order_holds_a_limited_number_of_units(api_client, settings):
    settings.SHOP_MAX_GUEST_ORDER_UNITS = 10
    a, b = ProductFactory(stock=99), ProductFactory(stock=99)
    response = api_client.post("/api/v1/orders/", order_body((a.pk, 6), (b.pk, 5)), format="json")
    assert response.status_code == 400
    assert "at most 10 units" in str(response.json()["error"]["details"])
    assert not Order.objects.exists()
    a.refresh_from_db()
    assert a.stock == 99


def test_a_webhook_delivery_costs_a_fixed_number_of_queries(
    api_client, placed, stripe_api, django_assert_max_num_queries
):
    reference, token = placed
    intent_id = _pay(api_client, reference, token).json()["payment_intent"]
    payload = intent_event(stripe_api.succeed(intent_id))
    # Event recorded once, payment and order locked, order paid with its history and its
    # email written to the outbox: no more.
    with django_assert_max_num_queries(15):
        assert deliver(api_client, payload, WEBHOOK_SECRET).json()["outcome"] == "order paid"
    # A redelivery only tries to record the event again (savepoints included).
    with django_assert_max_num_queries(6):
        deliver(api_client, payload, WEBHOOK_SECRET)
