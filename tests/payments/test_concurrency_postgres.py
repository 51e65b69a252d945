"""Stripe delivers the same event several times at once; expiry races a payment (PostgreSQL)."""

from collections import Counter

import pytest
from django.test import Client

from orders.models import Order, OrderStatus
from payments.models import WebhookEvent
from payments.services import order_expire
from tests.concurrency import all_at_once
from tests.factories import ProductFactory
from tests.payments.events import WEBHOOK_SECRET, deliver, intent_event, payment_started

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _placed_with_intent(stripe_api):
    product = ProductFactory(stock=5)
    return (*payment_started(Client(), product, 2), product)


def test_the_same_event_delivered_at_once_is_handled_once(stripe_api):
    reference, intent, _ = _placed_with_intent(stripe_api)
    payload = intent_event(stripe_api.succeed(intent))

    outcomes = all_at_once(
        [lambda: deliver(Client(), payload, WEBHOOK_SECRET).json()["outcome"]] * 8
    )

    assert Counter(outcomes) == Counter({"order paid": 1, "duplicate event: already handled": 7})
    order = Order.objects.get(reference=reference)
    assert [c.to_status for c in order.status_changes.all()] == ["placed", "paid"]
    assert WebhookEvent.objects.count() == 1


def test_expiry_racing_a_payment_never_loses_it(stripe_api, settings):
    reference, intent, product = _placed_with_intent(stripe_api)
    settings.SHOP_PAYMENT_WINDOW_MINUTES = 0  # due now
    payload = intent_event(stripe_api.succeed(intent))
    order_id = Order.objects.get(reference=reference).pk

    all_at_once(
        [
            lambda: order_expire(order_id=order_id),
            lambda: deliver(Client(), payload, WEBHOOK_SECRET).json()["outcome"],
        ]
    )

    # Whichever came first, the paid money bought the order: paid, stock taken once.
    order = Order.objects.get(reference=reference)
    assert order.status == OrderStatus.PAID
    product.refresh_from_db()
    assert product.stock == 3
