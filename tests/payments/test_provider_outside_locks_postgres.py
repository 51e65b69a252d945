"""Stripe is never called while the order's row is locked (PostgreSQL).

While each request waits at the stand-in Stripe (slowed down, as a slow Stripe would be), the
stand-in tries to lock the order's row from a connection of its own without waiting. If the
shop held the lock during the call, that fails and the test names the call. Every flow that
calls Stripe is run: starting a payment, cancelling an unpaid and a paid order (customer and
employee), expiry, a partial refund, and the webhook's refunds of a late and a second payment.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.utils import timezone

from orders.models import Order, OrderStatus
from payments.services import order_cancel, order_refund, orders_expire
from tests.factories import ProductFactory, UserFactory
from tests.orders.bodies import order_body
from tests.payments.events import WEBHOOK_SECRET, deliver, intent_event

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def probed(stripe_api):
    """Record, for every call reaching Stripe, whether its order's row could be locked."""
    seen: list[tuple[str, str, bool]] = []

    def probe(operation: str, reference: str) -> None:
        try:
            with transaction.atomic():
                Order.objects.select_for_update(nowait=True).filter(reference=reference).first()
            free = True
        except OperationalError:
            free = False  # the shop holds the order's lock while it waits for Stripe
        finally:
            connection.close()
        seen.append((operation, reference, free))

    stripe_api.on_request = probe
    # A slow Stripe: every call takes a while, as when Stripe is having a bad day.
    stripe_api.delays.update({"create": 0.2, "cancel": 0.2, "refund": 0.2})
    return seen


def _placed(quantity: int = 1) -> tuple[str, str, str]:
    product = ProductFactory(price=Decimal("9.00"), stock=5)
    body = (
        Client()
        .post(
            "/api/v1/orders/", order_body((product.pk, quantity)), content_type="application/json"
        )
        .json()
    )
    started = Client().post(
        f"/api/v1/orders/{body['reference']}/payment/", HTTP_X_ORDER_TOKEN=body["access_token"]
    )
    return body["reference"], body["access_token"], started.json()["payment_intent"]


def _pay(stripe_api, intent: str) -> None:
    response = deliver(Client(), intent_event(stripe_api.succeed(intent)), WEBHOOK_SECRET)
    assert response.status_code == 200


def _operations(seen, reference):
    return [operation for operation, ref, _ in seen if ref == reference]


def test_no_call_to_stripe_is_made_under_the_orders_lock(probed, stripe_api, settings):
    employee = UserFactory(is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(employee)

    # A payment started, then the unpaid order cancelled by its customer.
    unpaid, token, _ = _placed()
    Client().post(
        f"/api/v1/orders/{unpaid}/cancel/",
        {},
        content_type="application/json",
        HTTP_X_ORDER_TOKEN=token,
    )
    # A paid order cancelled by an employee: its payment refunded.
    paid, _, intent = _placed()
    _pay(stripe_api, intent)
    order = Order.objects.get(reference=paid)
    admin.post(f"/admin/orders/order/{order.pk}/change/", {"_set_status": "cancelled"})
    # A paid order refunded in part, then cancelled by the service.
    part, _, intent = _placed(2)
    _pay(stripe_api, intent)
    order_refund(
        order=Order.objects.get(reference=part),
        amount=Decimal("4.00"),
        reason="Dented",
        by=employee,
    )
    order_cancel(order=Order.objects.get(reference=part), by=employee)
    # An order past its window expires; its payment arrives late, after the stock was sold.
    late, _, late_intent = _placed(5)
    Order.objects.filter(reference=late).update(created_at=timezone.now() - timedelta(hours=1))
    assert orders_expire() == 1
    Client().post(
        "/api/v1/orders/",
        order_body((Order.objects.get(reference=late).lines.get().product_id, 5)),
        content_type="application/json",
    )
    stripe_api.intents[late_intent]["status"] = "requires_payment_method"
    _pay(stripe_api, late_intent)
    # An order paid twice: the second payment is given back.
    twice, token, first = _placed()
    deliver(
        Client(),
        intent_event(stripe_api.intents[first], type="payment_intent.payment_failed"),
        WEBHOOK_SECRET,
    )
    second = (
        Client()
        .post(f"/api/v1/orders/{twice}/payment/", HTTP_X_ORDER_TOKEN=token)
        .json()["payment_intent"]
    )
    _pay(stripe_api, first)
    _pay(stripe_api, second)

    assert _operations(probed, unpaid) == ["create", "cancel"]
    assert _operations(probed, paid) == ["create", "refund"]
    assert _operations(probed, part) == ["create", "refund", "refund"]
    assert _operations(probed, late) == ["create", "cancel", "refund"]
    assert _operations(probed, twice) == ["create", "create", "refund"]
    held = [(operation, reference) for operation, reference, free in probed if not free]
    assert held == [], f"Stripe was called while the order was locked: {held}"
    assert Order.objects.get(reference=late).status == OrderStatus.CANCELLED
    assert Order.objects.get(reference=twice).status == OrderStatus.PAID
