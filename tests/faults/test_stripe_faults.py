"""Stripe that does not answer: the payment start and a refund give up within the client's
timeout, write nothing twice, and go through once Stripe answers again."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from orders.models import Order, OrderStatus
from payments.models import Payment, Refund, RefundStatus
from payments.services import order_cancel
from tests.factories import ProductFactory
from tests.orders.bodies import order_body
from tests.payments.events import WEBHOOK_SECRET, deliver, intent_event

pytestmark = pytest.mark.django_db

TIMEOUT = 1
# (retries + 1) tries of TIMEOUT each, Stripe's short pause between them, and slack for a
# busy machine: far below the stripe package's own 80 s.
BOUND = 10 * TIMEOUT


@pytest.fixture
def slow_stripe(stripe_api, settings):
    settings.STRIPE_TIMEOUT_SECONDS = TIMEOUT
    settings.STRIPE_MAX_NETWORK_RETRIES = 1
    return stripe_api


def _placed(api_client):
    product = ProductFactory(price=Decimal("7.50"), stock=5)
    return api_client.post("/api/v1/orders/", order_body((product.pk, 2)), format="json").json()


def test_a_payment_start_stripe_does_not_answer_gives_503_in_seconds_then_one_intent(
    api_client, slow_stripe
):
    placed = _placed(api_client)
    slow_stripe.delays["create"] = 3 * TIMEOUT
    url = f"/api/v1/orders/{placed['reference']}/payment/"
    started = time.monotonic()
    answer = api_client.post(url, HTTP_X_ORDER_TOKEN=placed["access_token"])
    took = time.monotonic() - started
    assert answer.status_code == 503, answer.json()
    assert answer.json()["error"]["code"] == "payment_provider_unavailable"
    assert answer.headers["Retry-After"] == "5"
    assert took < BOUND

    # Stripe answers again: the customer's retry gets one intent, the one Stripe made.
    slow_stripe.delays.clear()
    time.sleep(3 * TIMEOUT)  # the slow answers have come back by now
    creates = slow_stripe.calls("POST", "/v1/payment_intents")
    assert len(creates) == 2  # the first try and one retry
    assert len({key for _, _, _, key in creates}) == 1  # with the same idempotency key
    again = api_client.post(url, HTTP_X_ORDER_TOKEN=placed["access_token"])
    assert again.status_code in (200, 201), again.json()
    made = {
        i["id"]
        for i in slow_stripe.intents.values()
        if i["metadata"].get("order_reference") == placed["reference"]
    }
    assert made == {again.json()["payment_intent"]}
    assert Payment.objects.filter(order__reference=placed["reference"]).count() == 1


def test_a_refund_stripe_does_not_answer_waits_and_goes_through_once(
    api_client, slow_stripe, django_capture_on_commit_callbacks
):
    placed = _placed(api_client)
    started = api_client.post(
        f"/api/v1/orders/{placed['reference']}/payment/", HTTP_X_ORDER_TOKEN=placed["access_token"]
    ).json()
    deliver(
        api_client, intent_event(slow_stripe.succeed(started["payment_intent"])), WEBHOOK_SECRET
    )
    order = Order.objects.get(reference=placed["reference"])
    assert order.status == OrderStatus.PAID

    slow_stripe.delays["refund"] = 3 * TIMEOUT
    began = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, note="Changed my mind")
    assert time.monotonic() - began < BOUND
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.PENDING
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.refunded_total == Decimal("15.00")

    slow_stripe.delays.clear()
    time.sleep(3 * TIMEOUT)
    Refund.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    call_command("settle_payments")
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    given = [r["amount"] for r in slow_stripe.refunds.values()]
    assert given == [1500]  # Stripe did the timed-out tries' refund once, by its key
