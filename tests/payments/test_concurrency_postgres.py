"""Stripe delivers the same event several times at once; expiry races a payment (PostgreSQL)."""

import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from orders.models import Order, OrderStatus
from payments.models import WebhookEvent
from payments.services import order_expire
from tests.factories import ProductFactory
from tests.orders.bodies import order_body
from tests.payments.conftest import WEBHOOK_SECRET
from tests.payments.events import deliver, intent_event

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _all_at_once(jobs) -> list:
    barrier = threading.Barrier(len(jobs))
    results, lock = [], threading.Lock()

    def run(job):
        try:
            barrier.wait()
            outcome = job()
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def _placed_with_intent(stripe_api):
    client = Client()
    product = ProductFactory(stock=5)
    placed = client.post(
        "/api/v1/orders/", order_body((product.pk, 2)), content_type="application/json"
    ).json()
    intent = client.post(
        f"/api/v1/orders/{placed['reference']}/payment/",
        HTTP_X_ORDER_TOKEN=placed["access_token"],
    ).json()["payment_intent"]
    return placed["reference"], intent, product


def test_the_same_event_delivered_at_once_is_handled_once(stripe_api):
    reference, intent, _ = _placed_with_intent(stripe_api)
    payload = intent_event(stripe_api.succeed(intent))

    outcomes = _all_at_once(
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

    _all_at_once(
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
