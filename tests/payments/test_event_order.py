"""Events arrive in any order and any number of times: a settled payment never changes."""

import time
from decimal import Decimal

import pytest

from orders.models import Order, OrderStatus
from payments.models import Payment, PaymentStatus, WebhookEvent
from payments.providers import event_sign
from tests.factories import ProductFactory
from tests.orders.bodies import order_body
from tests.payments.events import WEBHOOK, WEBHOOK_SECRET, deliver, intent_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(api_client, stripe_api):
    """A guest order paid through the webhook: (reference, the stand-in intent)."""
    product = ProductFactory(price=Decimal("9.95"), stock=5)
    body = api_client.post("/api/v1/orders/", order_body((product.pk, 2)), format="json").json()
    reference, token = body["reference"], body["access_token"]
    pay = api_client.post(f"/api/v1/orders/{reference}/payment/", HTTP_X_ORDER_TOKEN=token)
    intent = stripe_api.succeed(pay.json()["payment_intent"])
    assert deliver(api_client, intent_event(intent), WEBHOOK_SECRET).status_code == 200
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED
    return reference, intent


def _unchanged(reference):
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.SUCCEEDED and payment.error == ""
    assert Order.objects.get(reference=reference).status == OrderStatus.PAID


def test_a_failure_after_the_success_changes_nothing(api_client, paid):
    reference, intent = paid
    late = intent_event(intent, type="payment_intent.payment_failed")
    response = deliver(api_client, late, WEBHOOK_SECRET)
    assert response.status_code == 200 and "ignored" in response.json()["outcome"]
    _unchanged(reference)


def test_a_mismatched_event_after_the_success_changes_nothing(api_client, paid):
    reference, intent = paid
    response = deliver(api_client, intent_event(intent, amount_minor=1), WEBHOOK_SECRET)
    assert response.status_code == 200 and "already succeeded" in response.json()["outcome"]
    _unchanged(reference)


def test_a_second_delivery_of_the_success_changes_nothing(api_client, paid):
    reference, intent = paid
    event = intent_event(intent)
    for _ in range(2):
        assert deliver(api_client, event, WEBHOOK_SECRET).status_code == 200
    _unchanged(reference)
    assert WebhookEvent.objects.count() == 2  # the first success, and this event once


@pytest.mark.parametrize("offset", [-600, 600], ids=["10 minutes old", "10 minutes ahead"])
def test_a_signature_outside_the_tolerance_either_way_is_refused(api_client, paid, offset):
    reference, intent = paid
    event = intent_event(intent, type="payment_intent.payment_failed")
    signature = event_sign(event, WEBHOOK_SECRET, timestamp=int(time.time()) + offset)
    response = api_client.generic(
        "POST", WEBHOOK, event, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_webhook"
    assert WebhookEvent.objects.count() == 1
    _unchanged(reference)


def test_a_signature_within_the_tolerance_is_accepted(api_client, paid):
    _, intent = paid
    event = intent_event(intent, type="charge.refunded")
    signature = event_sign(event, WEBHOOK_SECRET, timestamp=int(time.time()) + 60)
    response = api_client.generic(
        "POST", WEBHOOK, event, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )
    assert response.status_code == 200
