"""Customers cancel their own orders before they ship; a paid one is refunded in full."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog.models import Product
from orders.models import Order, OrderStatus
from payments.models import Payment, PaymentStatus, Refund
from payments.services import order_cancel
from tests.factories import ProductFactory
from tests.orders.bodies import order_body
from tests.payments.events import WEBHOOK_SECRET, deliver, intent_event, payment_started

pytestmark = pytest.mark.django_db


def _cancel(client, reference, token=None, **body):
    headers = {"HTTP_X_ORDER_TOKEN": token} if token else {}
    return client.post(f"/api/v1/orders/{reference}/cancel/", body, format="json", **headers)


def test_a_guest_cancels_an_unpaid_order_and_the_stock_comes_back(api_client):
    product = ProductFactory(stock=5)
    placed = api_client.post("/api/v1/orders/", order_body((product.pk, 2)), format="json").json()

    response = _cancel(api_client, placed["reference"], placed["access_token"], reason="Wrong size")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert Product.objects.get(pk=product.pk).stock == 5
    change = Order.objects.get(reference=placed["reference"]).status_changes.last()
    assert change.note == "Cancelled by the customer. Wrong size"


def test_cancelling_a_paid_order_refunds_it_at_stripe(api_client, stripe_api):
    product = ProductFactory(price=Decimal("8.00"), stock=5)
    placed = api_client.post("/api/v1/orders/", order_body((product.pk, 1)), format="json").json()
    intent = api_client.post(
        f"/api/v1/orders/{placed['reference']}/payment/",
        HTTP_X_ORDER_TOKEN=placed["access_token"],
    ).json()["payment_intent"]
    deliver(api_client, intent_event(stripe_api.succeed(intent)), WEBHOOK_SECRET)

    response = _cancel(api_client, placed["reference"], placed["access_token"])

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    payment = Payment.objects.get(provider_id=intent)
    assert payment.status == PaymentStatus.REFUNDED
    assert Refund.objects.get(payment=payment).amount == Decimal("8.00")
    assert stripe_api.calls("POST", "/v1/refunds")[0][2] == {
        "payment_intent": intent,
        "amount": "800",
    }


def test_nobody_else_can_cancel_an_order(api_client, customer_client, stripe_api):
    product = ProductFactory(stock=5)
    reference, intent = payment_started(api_client, product)

    assert _cancel(api_client, reference, "not-the-token").status_code == 404
    assert _cancel(customer_client("eve@example.com"), reference).status_code == 404

    assert Order.objects.get(reference=reference).status == OrderStatus.PLACED
    assert stripe_api.intents[intent]["status"] == "requires_payment_method"
    assert Product.objects.get(pk=product.pk).stock == 4


def test_a_shipped_order_cannot_be_cancelled_by_its_owner(customer_client):
    ann = customer_client("ann@example.com")
    product = ProductFactory(stock=5)
    placed = ann.post(
        "/api/v1/orders/",
        {**order_body(), "items": [{"product_id": product.pk, "quantity": 1}]},
        format="json",
    ).json()
    Order.objects.filter(reference=placed["reference"]).update(status=OrderStatus.SHIPPED)

    response = _cancel(ann, placed["reference"])

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_status_transition"
    assert Product.objects.get(pk=product.pk).stock == 4


def test_stripe_not_answering_does_not_stop_the_cancel_and_the_sweep_closes_the_intent(
    api_client, stripe_api, settings
):
    product = ProductFactory(stock=5)
    reference, intent = payment_started(api_client, product)
    order = Order.objects.get(reference=reference)
    stripe_api.failing["cancel"] = 503

    order_cancel(order=order)

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert Product.objects.get(pk=product.pk).stock == 5
    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.CANCELLED and payment.closed_at is None
    assert stripe_api.intents[intent]["status"] == "requires_payment_method"
    # Stripe answers again; the sweep tells it (only payments left for a minute).
    del stripe_api.failing["cancel"]
    Payment.objects.filter(pk=payment.pk).update(updated_at=timezone.now() - timedelta(minutes=2))
    call_command("settle_payments")
    assert stripe_api.intents[intent]["status"] == "canceled"
    assert Payment.objects.get(pk=payment.pk).closed_at is not None


def test_an_intent_stripe_does_not_know_is_closed_for_good(api_client, stripe_api):
    product = ProductFactory(stock=5)
    reference, intent = payment_started(api_client, product)
    stripe_api.intents.pop(intent)  # Stripe no longer knows the intent: cancel and look-up fail
    order_cancel(order=Order.objects.get(reference=reference))
    payment = Payment.objects.get(provider_id=intent)
    assert payment.status == PaymentStatus.CANCELLED and payment.closed_at is not None
