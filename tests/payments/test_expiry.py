"""Unpaid orders expire and give their stock back; a payment that comes late is never lost."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog.models import Product
from orders.models import Order, OrderStatus
from orders.selectors import revenue_sum
from payments.models import Payment, PaymentStatus, Refund
from tests.factories import ProductFactory
from tests.orders.bodies import order_body
from tests.payments.events import WEBHOOK_SECRET, deliver, intent_event, payment_started

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return ProductFactory(price=Decimal("5.00"), stock=4)


def _age(reference, minutes):
    Order.objects.filter(reference=reference).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def _stock(product) -> int:
    return Product.objects.get(pk=product.pk).stock


def test_an_unpaid_order_past_its_window_is_cancelled_and_gives_its_stock_back(
    api_client,
    stripe_api,
    product,
    settings,
    capsys,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    settings.SHOP_PAYMENT_WINDOW_MINUTES = 30
    reference, intent_id = payment_started(api_client, product, 3)
    young, _ = payment_started(api_client, ProductFactory(stock=2), quantity=1)
    assert _stock(product) == 1
    _age(reference, 31)
    _age(young, 29)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_unpaid_orders")

    assert "Cancelled 1 unpaid order(s)." in capsys.readouterr().out
    order = Order.objects.get(reference=reference)
    assert order.status == OrderStatus.CANCELLED
    assert "Not paid within 30 minutes" in order.status_changes.last().note
    assert _stock(product) == 4
    assert stripe_api.intents[intent_id]["status"] == "canceled"
    assert Payment.objects.get(order=order).status == PaymentStatus.CANCELLED
    assert Order.objects.get(reference=young).status == OrderStatus.PLACED
    assert [m.to for m in mailoutbox if "cancelled" in m.subject] == [["ann@example.com"]]


def test_an_order_paid_meanwhile_is_left_for_its_payment_event(api_client, stripe_api, product):
    reference, intent_id = payment_started(api_client, product, 3)
    stripe_api.succeed(intent_id)  # paid at Stripe; the event is still on its way
    _age(reference, 31)

    call_command("expire_unpaid_orders")

    assert Order.objects.get(reference=reference).status == OrderStatus.PLACED
    assert _stock(product) == 1
    assert deliver(api_client, intent_event(stripe_api.intents[intent_id]), WEBHOOK_SECRET)
    assert Order.objects.get(reference=reference).status == OrderStatus.PAID


def test_paying_after_the_window_closed_is_refused(api_client, stripe_api, product):
    placed = api_client.post("/api/v1/orders/", order_body((product.pk, 1)), format="json").json()
    _age(placed["reference"], 31)
    response = api_client.post(
        f"/api/v1/orders/{placed['reference']}/payment/",
        HTTP_X_ORDER_TOKEN=placed["access_token"],
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "order_not_payable"
    assert stripe_api.requests == []


def test_a_late_payment_takes_the_stock_again_when_it_is_there(
    api_client, stripe_api, product, mailoutbox, django_capture_on_commit_callbacks
):
    reference, intent_id = payment_started(api_client, product, 3)
    _age(reference, 31)
    call_command("expire_unpaid_orders")
    assert _stock(product) == 4
    # The customer paid at Stripe just before the cancel reached it (a race Stripe allows).
    stripe_api.intents[intent_id]["status"] = "requires_payment_method"
    payload = intent_event(stripe_api.succeed(intent_id))

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(api_client, payload, WEBHOOK_SECRET)

    assert response.json()["outcome"] == "late payment accepted: the order is paid again"
    order = Order.objects.get(reference=reference)
    assert order.status == OrderStatus.PAID
    assert [c.to_status for c in order.status_changes.all()] == ["placed", "cancelled", "paid"]
    assert _stock(product) == 1
    assert not Refund.objects.exists()
    assert "is back on" in mailoutbox[-1].subject


def test_a_late_payment_is_refunded_when_the_stock_is_gone(
    api_client, stripe_api, product, mailoutbox, django_capture_on_commit_callbacks
):
    reference, intent_id = payment_started(api_client, product, 3)
    _age(reference, 31)
    call_command("expire_unpaid_orders")
    # Someone else bought the released stock.
    other = api_client.post("/api/v1/orders/", order_body((product.pk, 4)), format="json")
    assert other.status_code == 201 and _stock(product) == 0
    stripe_api.intents[intent_id]["status"] = "requires_payment_method"
    payload = intent_event(stripe_api.succeed(intent_id))

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(api_client, payload, WEBHOOK_SECRET)

    assert response.json()["outcome"] == "late payment refunded: the stock is gone"
    assert Order.objects.get(reference=reference).status == OrderStatus.CANCELLED
    payment = Payment.objects.get(provider_id=intent_id)
    assert payment.status == PaymentStatus.REFUNDED
    refund = Refund.objects.get(payment=payment)
    assert refund.amount == Decimal("15.00")
    [(_, _, form, key)] = stripe_api.calls("POST", "/v1/refunds")
    assert form == {"payment_intent": intent_id, "amount": "1500"}
    # The refund's own key: sent again after a lost answer, the money goes back once.
    assert key == f"shop-refund-{refund.pk}"
    assert _stock(product) == 0
    assert "is refunded" in mailoutbox[-1].subject
    assert mailoutbox[-1].to == ["ann@example.com"]


def test_a_second_payment_of_a_paid_order_is_refunded(api_client, stripe_api, product):
    placed = api_client.post("/api/v1/orders/", order_body((product.pk, 1)), format="json").json()
    url = f"/api/v1/orders/{placed['reference']}/payment/"
    token = {"HTTP_X_ORDER_TOKEN": placed["access_token"]}
    first = api_client.post(url, **token).json()["payment_intent"]
    # The first attempt is declined; the customer starts a second one...
    failed = intent_event(stripe_api.intents[first], type="payment_intent.payment_failed")
    deliver(api_client, failed, WEBHOOK_SECRET)
    second = api_client.post(url, **token).json()["payment_intent"]
    # ...and then both go through (the first one retried with another card at Stripe).
    deliver(api_client, intent_event(stripe_api.succeed(first)), WEBHOOK_SECRET)
    response = deliver(api_client, intent_event(stripe_api.succeed(second)), WEBHOOK_SECRET)

    assert response.json()["outcome"] == "second payment of a paid order refunded"
    assert Payment.objects.get(provider_id=second).status == PaymentStatus.REFUNDED
    assert Payment.objects.get(provider_id=first).status == PaymentStatus.SUCCEEDED
    order = Order.objects.get(reference=placed["reference"])
    assert order.status == OrderStatus.PAID
    assert [
        form["payment_intent"] for _, _, form, _ in stripe_api.calls("POST", "/v1/refunds")
    ] == [second]
    # The duplicate never counted as revenue, so giving it back leaves the order's whole.
    assert order.refunded_total == 0
    assert Order.objects.aggregate(revenue=revenue_sum())["revenue"] == order.total
