"""Refunds are written first and sent after: a failing Stripe loses no money and gives none twice.

Stripe down: the order is cancelled, the refund waits (its money reserved), the sweep sends
it once Stripe answers, exactly once. Stripe refusing: the refund is marked refused and the
money counts as not given back. No refund is sent from inside a transaction.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from orders.models import Order, OrderStatus
from payments.models import Payment, PaymentStatus, Refund, RefundStatus
from payments.providers import provider
from payments.services import order_cancel, refund_send
from tests.factories import ProductFactory
from tests.orders.bodies import order_body
from tests.payments.events import WEBHOOK_SECRET, deliver, intent_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(api_client, stripe_api):
    """A paid guest order of 2 x 7.50 (15.00)."""
    product = ProductFactory(price=Decimal("7.50"), stock=5)
    placed = api_client.post("/api/v1/orders/", order_body((product.pk, 2)), format="json").json()
    started = api_client.post(
        f"/api/v1/orders/{placed['reference']}/payment/", HTTP_X_ORDER_TOKEN=placed["access_token"]
    ).json()
    intent = started["payment_intent"]
    deliver(api_client, intent_event(stripe_api.succeed(intent)), WEBHOOK_SECRET)
    order = Order.objects.get(reference=placed["reference"])
    assert order.status == OrderStatus.PAID
    return order, intent


def _due_now():
    Refund.objects.filter(status=RefundStatus.PENDING).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def _given_at_stripe(stripe_api, intent) -> list[int]:
    return [r["amount"] for r in stripe_api.refunds.values() if r["payment_intent"] == intent]


def test_stripe_down_during_a_cancel_then_back_gives_the_money_back_exactly_once(
    paid, stripe_api, mailoutbox, django_capture_on_commit_callbacks
):
    order, intent = paid
    stripe_api.failing["refund"] = 503

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, note="Changed my mind")

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    refund = Refund.objects.get()
    assert (refund.status, refund.attempts, refund.amount) == (
        RefundStatus.PENDING,
        1,
        Decimal("15.00"),
    )
    assert "unavailable" in refund.error
    # The money is reserved: nothing else can refund it while it waits.
    assert order.refunded_total == Decimal("15.00")
    assert Payment.objects.get().status == PaymentStatus.REFUNDED
    assert _given_at_stripe(stripe_api, intent) == []

    # Not due yet: the sweep leaves it.
    call_command("settle_payments")
    assert Refund.objects.get().attempts == 1

    del stripe_api.failing["refund"]
    _due_now()
    call_command("settle_payments")
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and refund.provider_id.startswith("re_")
    assert _given_at_stripe(stripe_api, intent) == [1500]
    # Sent again (a second sweep, a retried request): the money goes back once.
    _due_now()
    call_command("settle_payments")
    assert refund_send(refund.pk).status == RefundStatus.SUCCEEDED
    assert _given_at_stripe(stripe_api, intent) == [1500]
    assert len(stripe_api.calls("POST", "/v1/refunds")) == 2  # the failed try and the good one


def test_an_answer_lost_on_the_way_back_is_not_a_second_refund(paid, stripe_api):
    order, intent = paid
    stripe_api.failing["refund"] = 503
    order_cancel(order=order)
    refund = Refund.objects.get()
    # Stripe did refund, but its answer never reached the shop (a timeout on the way back).
    del stripe_api.failing["refund"]
    provider().refund_create(
        intent_id=intent, amount_minor=1500, idempotency_key=f"shop-refund-{refund.pk}"
    )
    _due_now()
    call_command("settle_payments")

    assert Refund.objects.get().status == RefundStatus.SUCCEEDED
    assert _given_at_stripe(stripe_api, intent) == [1500]


def test_a_refund_stripe_refuses_during_a_cancel_is_marked_and_counts_as_not_given(
    paid, stripe_api, admin_client
):
    order, _ = paid
    stripe_api.refuse_refunds = "This charge is disputed and cannot be refunded."
    order_cancel(order=order)

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.FAILED and "disputed" in refund.error
    assert order.refunded_total == 0
    # The money is still with the shop, and the order says so for an employee to settle.
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED
    assert "refused by the provider" in order.status_changes.last().note
    listed = admin_client.get("/admin/orders/order/?payment=refund_refused").content.decode()
    assert order.reference in listed
    assert (
        order.reference
        not in admin_client.get("/admin/orders/order/?payment=refund_pending").content.decode()
    )


def test_a_refund_that_never_gets_an_answer_is_given_up_after_the_last_try(
    paid, stripe_api, settings
):
    settings.SHOP_PROVIDER_MAX_ATTEMPTS = 3
    order, _ = paid
    stripe_api.failing["refund"] = 503
    order_cancel(order=order)
    waits = []
    for _ in range(2):
        refund = Refund.objects.get()
        waits.append(refund.next_attempt_at - timezone.now())
        _due_now()
        call_command("settle_payments")

    refund = Refund.objects.get()
    assert refund.status == RefundStatus.FAILED and refund.attempts == 3
    assert "no answer after 3 tries" in refund.error
    assert waits[0] < waits[1]  # the sweep waits longer each time
    order.refresh_from_db()
    assert order.refunded_total == 0


def test_a_partial_refund_while_stripe_is_down_waits_and_emails_once_it_is_back(
    paid, stripe_api, admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    order, intent = paid
    stripe_api.failing["refund"] = 503
    with django_capture_on_commit_callbacks(execute=True):
        page = admin_client.post(
            f"/admin/orders/order/{order.pk}/change/",
            {
                "_refund": "1",
                "_confirm_refund": "1",
                "_refund_reason": "Lid cracked",
                "_refund_amount": "4.00",
            },
            follow=True,
        ).content.decode()
    assert "did not answer" in page and "sent again automatically" in page
    assert not [m for m in mailoutbox if "refund" in m.subject.lower()]

    del stripe_api.failing["refund"]
    _due_now()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("settle_payments")

    assert _given_at_stripe(stripe_api, intent) == [400]
    [email] = [m for m in mailoutbox if "refund" in m.subject.lower()]
    assert "4.00 EUR: Lid cracked" in email.body
    order.refresh_from_db()
    assert order.refunded_total == Decimal("4.00") and order.status == OrderStatus.PAID


def test_a_payment_arriving_after_the_customer_cancelled_is_given_back(
    api_client, stripe_api, mailoutbox, django_capture_on_commit_callbacks
):
    product = ProductFactory(price=Decimal("5.00"), stock=3)
    placed = api_client.post("/api/v1/orders/", order_body((product.pk, 1)), format="json").json()
    token = {"HTTP_X_ORDER_TOKEN": placed["access_token"]}
    intent = api_client.post(f"/api/v1/orders/{placed['reference']}/payment/", **token).json()[
        "payment_intent"
    ]
    assert (
        api_client.post(
            f"/api/v1/orders/{placed['reference']}/cancel/", {}, format="json", **token
        ).status_code
        == 200
    )
    # Paid at Stripe just before the cancel reached it (Stripe lets the two cross).
    payload = intent_event(stripe_api.intents[intent])

    with django_capture_on_commit_callbacks(execute=True):
        outcome = deliver(api_client, payload, WEBHOOK_SECRET).json()["outcome"]

    # The customer cancelled: the order stays cancelled (not reinstated) and the money goes back.
    assert outcome == "payment of a cancelled order refunded"
    order = Order.objects.get(reference=placed["reference"])
    assert order.status == OrderStatus.CANCELLED
    assert Payment.objects.get().status == PaymentStatus.REFUNDED
    assert _given_at_stripe(stripe_api, intent) == [500]
    assert order.refunded_total == 0  # it never counted as revenue
    assert "cancelled order" in mailoutbox[-1].subject and "is refunded" in mailoutbox[-1].subject


def test_nothing_calls_stripe_from_inside_a_transaction(paid):
    order, _ = paid
    with pytest.raises(RuntimeError, match="after the commit"), transaction.atomic():
        order_cancel(order=order)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
    assert not Refund.objects.exists()
