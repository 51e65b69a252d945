"""Cancelling a paid order in the admin gives the money back; stock returns as always."""

from decimal import Decimal

import pytest

from catalog.models import Product
from orders.models import Order, OrderStatus
from payments.models import Payment, PaymentStatus, Refund
from tests.factories import ProductFactory
from tests.payments.events import WEBHOOK_SECRET, deliver, intent_event, payment_started

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(api_client, stripe_api):
    product = ProductFactory(price=Decimal("7.50"), stock=3)
    reference, intent = payment_started(api_client, product, 2)
    deliver(api_client, intent_event(stripe_api.succeed(intent)), WEBHOOK_SECRET)
    order = Order.objects.get(reference=reference)
    assert order.status == OrderStatus.PAID
    return order, product, intent


def test_the_cancel_button_refunds_a_paid_order(admin_client, paid_order, stripe_api):
    order, product, intent = paid_order
    admin_client.post(f"/admin/orders/order/{order.pk}/change/", {"_set_status": "cancelled"})

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.REFUNDED
    assert Refund.objects.get(payment=payment).amount == Decimal("15.00")
    assert order.refunded_total == Decimal("15.00")  # recorded on the order for revenue
    [(_, _, form, _)] = stripe_api.calls("POST", "/v1/refunds")
    assert form == {"payment_intent": intent, "amount": "1500"}
    assert Product.objects.get(pk=product.pk).stock == 3


def test_the_bulk_cancel_action_refunds_too(admin_client, paid_order, stripe_api):
    order, _, _ = paid_order
    response = admin_client.post(
        "/admin/orders/order/",
        {"action": "mark_cancelled", "_selected_action": [order.pk]},
        follow=True,
    )
    assert "1 order(s) now cancelled" in response.content.decode()
    assert Payment.objects.get(order=order).status == PaymentStatus.REFUNDED


def test_cancelling_an_unpaid_order_cancels_its_intent_at_stripe(
    admin_client, api_client, stripe_api
):
    product = ProductFactory(stock=3)
    reference, intent = payment_started(api_client, product)
    order = Order.objects.get(reference=reference)

    admin_client.post(f"/admin/orders/order/{order.pk}/change/", {"_set_status": "cancelled"})

    assert stripe_api.intents[intent]["status"] == "canceled"
    assert Payment.objects.get().status == PaymentStatus.CANCELLED
    assert not Refund.objects.exists()


def test_a_payment_that_arrives_while_cancelling_stops_the_cancel(
    admin_client, api_client, stripe_api
):
    product = ProductFactory(stock=3)
    reference, intent = payment_started(api_client, product)
    stripe_api.succeed(intent)  # paid at Stripe, the event not yet here
    order = Order.objects.get(reference=reference)

    response = admin_client.post(
        f"/admin/orders/order/{order.pk}/change/", {"_set_status": "cancelled"}, follow=True
    )

    assert "has just arrived" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert Product.objects.get(pk=product.pk).stock == 2
