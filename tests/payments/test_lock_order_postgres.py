"""Every pair of writers of one order, raced with the window between locks widened (PostgreSQL).

Each race runs one side until it holds the order's lock, then the other, while the first
pauses between its first lock and its next (tests/concurrency.py). Taken in different orders,
the two would deadlock every time; in the one lock order (docs/design.md, "Locks") the second
waits, and the outcome is one, consistent: money and stock agree, nothing is refunded twice,
no side answers a 5xx. Both turns of each pair are run.
"""

from decimal import Decimal

import pytest
from django.test import Client

from catalog.models import Product
from orders.models import Order, OrderStatus
from payments.models import Payment, PaymentStatus, Refund, RefundStatus
from payments.services import order_expire, order_refund
from shop.money import to_minor_units
from tests.concurrency import in_turn, locks_widened
from tests.factories import ProductFactory, UserFactory
from tests.orders.bodies import order_body
from tests.payments.events import WEBHOOK_SECRET, deliver, intent_event

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

STOCK, QUANTITY = 5, 2


class Placed:
    """A guest order of two units with a payment started at the stand-in Stripe."""

    def __init__(self, stripe_api):
        self.stripe = stripe_api
        self.product = ProductFactory(price=Decimal("7.50"), stock=STOCK)
        placed = Client().post(
            "/api/v1/orders/",
            order_body((self.product.pk, QUANTITY)),
            content_type="application/json",
        )
        assert placed.status_code == 201, placed.content
        self.reference = placed.json()["reference"]
        self.token = placed.json()["access_token"]
        self.intents = [self.start()]

    @property
    def order(self) -> Order:
        return Order.objects.get(reference=self.reference)

    def start(self) -> str:
        started = Client().post(
            f"/api/v1/orders/{self.reference}/payment/", HTTP_X_ORDER_TOKEN=self.token
        )
        assert started.status_code in (200, 201), started.content
        return started.json()["payment_intent"]

    def paid_event(self, intent: str) -> bytes:
        # Paid at Stripe as the cancel reached it: the stand-in's intent is left as it is, so
        # the cancel goes ahead (Stripe lets these two cross).
        return intent_event(self.stripe.intents[intent])

    def deliver(self, intent: str):
        return lambda: deliver(Client(), self.paid_event(intent), WEBHOOK_SECRET)

    def customer_cancel(self):
        return Client().post(
            f"/api/v1/orders/{self.reference}/cancel/",
            {"reason": "race"},
            content_type="application/json",
            HTTP_X_ORDER_TOKEN=self.token,
        )


def _status(result) -> int:
    assert not isinstance(result, Exception), f"a side raised {result!r}"
    return getattr(result, "status_code", 200)


def _consistent(placed: Placed) -> Order:
    """Money and stock agree with the order's status; nothing refunded twice or left pending."""
    order = placed.order
    payments = list(Payment.objects.filter(order=order))
    stock = Product.objects.get(pk=placed.product.pk).stock
    assert not Refund.objects.filter(status=RefundStatus.PENDING).exists()
    if order.status == OrderStatus.CANCELLED:
        assert stock == STOCK
        assert PaymentStatus.SUCCEEDED not in [p.status for p in payments]
    else:
        assert order.status == OrderStatus.PAID
        assert stock == STOCK - QUANTITY
        assert [p.status for p in payments].count(PaymentStatus.SUCCEEDED) == 1
    for payment in payments:
        given = [r for r in payment.refunds.all() if r.status == RefundStatus.SUCCEEDED]
        assert sum(r.amount for r in given) <= payment.amount
        if payment.status == PaymentStatus.REFUNDED:
            assert sum(r.amount for r in given) == payment.amount
        at_stripe = [
            r for r in placed.stripe.refunds.values() if r["payment_intent"] == payment.provider_id
        ]
        # Stripe gave back exactly what the shop recorded, each refund once.
        assert sorted(r["amount"] for r in at_stripe) == sorted(
            to_minor_units(r.amount) for r in given
        )
    return order


@pytest.fixture
def placed(stripe_api):
    return Placed(stripe_api)


@pytest.mark.parametrize("first", ["webhook", "cancel"])
def test_a_payment_arriving_while_the_customer_cancels(placed, first):
    webhook, cancel = placed.deliver(placed.intents[0]), placed.customer_cancel
    with locks_widened():
        results = in_turn(webhook, cancel) if first == "webhook" else in_turn(cancel, webhook)

    assert [_status(r) for r in results] == [200, 200]
    order = _consistent(placed)
    # The customer asked to cancel: either way it is cancelled and the payment given back.
    assert order.status == OrderStatus.CANCELLED
    assert Payment.objects.get(order=order).status == PaymentStatus.REFUNDED
    outcome = (results[0] if first == "webhook" else results[1]).json()["outcome"]
    assert outcome == (
        "order paid" if first == "webhook" else "payment of a cancelled order refunded"
    )


@pytest.mark.parametrize("first", ["webhook", "admin"])
def test_a_payment_arriving_while_an_employee_cancels(placed, first):
    employee = Client()
    employee.force_login(UserFactory(is_staff=True, is_superuser=True))

    def admin_cancel():
        return employee.post(
            f"/admin/orders/order/{placed.order.pk}/change/", {"_set_status": "cancelled"}
        )

    webhook = placed.deliver(placed.intents[0])
    with locks_widened():
        results = (
            in_turn(webhook, admin_cancel) if first == "webhook" else in_turn(admin_cancel, webhook)
        )

    assert [_status(r) for r in results] == ([200, 302] if first == "webhook" else [302, 200])
    order = _consistent(placed)
    assert order.status == OrderStatus.CANCELLED
    assert Payment.objects.get(order=order).status == PaymentStatus.REFUNDED


@pytest.mark.parametrize("first", ["webhook", "expiry"])
def test_a_payment_arriving_while_the_order_expires(placed, first, settings):
    settings.SHOP_PAYMENT_WINDOW_MINUTES = 0  # due now
    order_id = placed.order.pk
    webhook = placed.deliver(placed.intents[0])

    def expire():
        return order_expire(order_id=order_id)

    with locks_widened():
        results = in_turn(webhook, expire) if first == "webhook" else in_turn(expire, webhook)

    assert not any(isinstance(r, Exception) for r in results), results
    order = _consistent(placed)
    # Whichever came first, the money bought the order: paid, its stock taken once.
    assert order.status == OrderStatus.PAID
    if first == "expiry":
        assert results == ["cancelled", results[1]]
        assert results[1].json()["outcome"] == "late payment accepted: the order is paid again"
    else:
        assert results[1] == "not due"


@pytest.mark.parametrize("first", ["refund", "cancel"])
def test_a_partial_refund_while_the_customer_cancels(placed, first):
    assert _status(placed.deliver(placed.intents[0])()) == 200
    assert placed.order.status == OrderStatus.PAID
    employee = UserFactory(is_staff=True)

    def refund():
        return order_refund(
            order=placed.order, amount=Decimal("5.00"), reason="Lid cracked", by=employee
        )

    with locks_widened():
        results = (
            in_turn(refund, placed.customer_cancel)
            if first == "refund"
            else in_turn(placed.customer_cancel, refund)
        )

    order = _consistent(placed)
    assert order.status == OrderStatus.CANCELLED
    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.REFUNDED
    # All the money back, once: the part refund and the rest, or the whole by the cancel.
    assert order.refunded_total == order.total
    amounts = sorted(r.amount for r in payment.refunds.filter(status=RefundStatus.SUCCEEDED))
    if first == "refund":
        assert [_status(r) for r in results] == [200, 200]
        assert amounts == [Decimal("5.00"), order.total - Decimal("5.00")]
    else:
        assert _status(results[0]) == 200
        assert "has nothing to refund" in str(results[1])  # refused: nothing left to give
        assert amounts == [order.total]


@pytest.mark.parametrize("first", [0, 1])
def test_two_payments_of_one_order_arriving_together(placed, first, stripe_api):
    # The first attempt is declined; the customer starts a second one; then both go through.
    declined = intent_event(
        stripe_api.intents[placed.intents[0]], type="payment_intent.payment_failed"
    )
    assert _status(deliver(Client(), declined, WEBHOOK_SECRET)) == 200
    placed.intents.append(placed.start())
    one, other = placed.deliver(placed.intents[first]), placed.deliver(placed.intents[1 - first])

    with locks_widened():
        results = in_turn(one, other)

    assert [_status(r) for r in results] == [200, 200]
    assert [r.json()["outcome"] for r in results] == [
        "order paid",
        "second payment of a paid order refunded",
    ]
    order = _consistent(placed)
    assert order.status == OrderStatus.PAID
    statuses = {p.provider_id: p.status for p in Payment.objects.filter(order=order)}
    assert statuses == {
        placed.intents[first]: PaymentStatus.SUCCEEDED,
        placed.intents[1 - first]: PaymentStatus.REFUNDED,
    }
    assert order.refunded_total == 0  # the duplicate never counted as revenue
