"""Partial refunds from the order page: through Stripe, recorded, emailed, off revenue."""

from decimal import Decimal

import pytest

from orders.models import Order, OrderStatus
from orders.selectors import revenue_sum
from payments.models import Payment, PaymentStatus, Refund, RefundStatus
from tests.factories import ProductFactory
from tests.payments.events import WEBHOOK_SECRET, deliver, intent_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(api_client, stripe_api):
    """A paid guest order of two lines: 2 x 7.50 and 1 x 4.00 (19.00)."""
    from tests.orders.bodies import order_body

    tea = ProductFactory(price=Decimal("7.50"), stock=5)
    cup = ProductFactory(price=Decimal("4.00"), stock=5)
    placed = api_client.post(
        "/api/v1/orders/", order_body((tea.pk, 2), (cup.pk, 1)), format="json"
    ).json()
    started = api_client.post(
        f"/api/v1/orders/{placed['reference']}/payment/", HTTP_X_ORDER_TOKEN=placed["access_token"]
    ).json()
    deliver(api_client, intent_event(stripe_api.succeed(started["payment_intent"])), WEBHOOK_SECRET)
    order = Order.objects.get(reference=placed["reference"])
    assert order.status == OrderStatus.PAID
    return order, started["payment_intent"]


def _refund(admin_client, order, **fields):
    response = admin_client.post(
        f"/admin/orders/order/{order.pk}/change/",
        {"_refund": "1", "_confirm_refund": "1", "_refund_reason": "Lid cracked", **fields},
        follow=True,
    )
    return [str(m) for m in response.context["messages"]]


def test_refunding_a_line_goes_through_stripe_and_comes_off_revenue(
    admin_client, paid, stripe_api, mailoutbox, django_capture_on_commit_callbacks
):
    order, intent = paid
    cup_line = order.lines.get(unit_price=Decimal("4.00"))
    with django_capture_on_commit_callbacks(execute=True):
        messages = _refund(admin_client, order, _refund_line=[cup_line.pk])

    assert messages == ["Refunded 4.00 EUR; the customer is emailed."]
    [(_, _, form, _)] = stripe_api.calls("POST", "/v1/refunds")
    assert form == {"payment_intent": intent, "amount": "400"}
    order.refresh_from_db()
    assert order.refunded_total == Decimal("4.00") and order.status == OrderStatus.PAID
    assert Refund.objects.get().amount == Decimal("4.00")
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED  # part of it given back
    assert Order.objects.aggregate(r=revenue_sum())["r"] == Decimal("15.00")
    [email] = [m for m in mailoutbox if "refund" in m.subject.lower()]
    assert "4.00 EUR: Lid cracked" in email.body and "4.00 EUR of 19.00 EUR" in email.body
    assert "Refunded 4.00 EUR: Lid cracked" in order.status_changes.last().note


def test_an_amount_then_the_rest_refunds_the_whole_payment(admin_client, paid, stripe_api):
    order, _ = paid
    _refund(admin_client, order, _refund_amount="10.00")
    assert _refund(admin_client, order, _refund_amount="9.01")[0].startswith("Refused: Refund")
    _refund(admin_client, order, _refund_amount="9.00")
    order.refresh_from_db()
    assert order.refunded_total == Decimal("19.00")
    assert Payment.objects.get().status == PaymentStatus.REFUNDED
    assert [f["amount"] for _, _, f, _ in stripe_api.calls("POST", "/v1/refunds")] == [
        "1000",
        "900",
    ]


def test_a_refund_stripe_refuses_leaves_the_order_as_it_was(
    admin_client, paid, stripe_api, mailoutbox, django_capture_on_commit_callbacks
):
    order, _ = paid
    stripe_api.refuse_refunds = "This charge is disputed and cannot be refunded."
    with django_capture_on_commit_callbacks(execute=True):
        messages = _refund(admin_client, order, _refund_amount="5.00")

    assert "This charge is disputed and cannot be refunded." in messages[0]
    order.refresh_from_db()
    assert order.refunded_total == 0 and order.status == OrderStatus.PAID
    # Kept as a record of what was tried, refused: no money counts as given back.
    [refused] = Refund.objects.all()
    assert refused.status == RefundStatus.FAILED and "disputed" in refused.error
    assert "refused by the provider" in order.status_changes.last().note
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED
    assert not [m for m in mailoutbox if "refund" in m.subject.lower()]


def test_a_refund_needs_a_confirmation_and_a_reason(admin_client, paid, stripe_api):
    order, _ = paid
    admin_client.post(
        f"/admin/orders/order/{order.pk}/change/",
        {"_refund": "1", "_refund_amount": "5.00", "_refund_reason": "x"},
    )
    admin_client.post(
        f"/admin/orders/order/{order.pk}/change/",
        {"_refund": "1", "_confirm_refund": "1", "_refund_amount": "5.00"},
    )
    assert not Refund.objects.exists() and stripe_api.calls("POST", "/v1/refunds") == []


def test_the_order_page_shows_each_refund_with_who_gave_it(admin_client, paid, stripe_api):
    order, _ = paid
    _refund(admin_client, order, _refund_amount="2.50")
    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert "2.50 EUR refunded" in page and "by admin: Lid cracked" in page
