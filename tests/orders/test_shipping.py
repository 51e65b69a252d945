"""Shipping needs its facts: a tracking number and carrier, or "no tracking" with a note."""

from decimal import Decimal

import pytest

from orders.models import Order, OrderStatus
from tests.factories import OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid():
    return OrderFactory(lines=[(ProductFactory(price=Decimal("5.00")), 1)], status=OrderStatus.PAID)


def _page(order) -> str:
    return f"/admin/orders/order/{order.pk}/change/"


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_shipping_without_a_tracking_number_or_a_reason_is_refused(admin_client, paid, mailoutbox):
    response = admin_client.post(_page(paid), {"_set_status": "shipped"}, follow=True)
    assert any("needs a tracking number" in m for m in _messages(response))
    assert Order.objects.get(pk=paid.pk).status == OrderStatus.PAID
    assert mailoutbox == []


def test_shipping_with_tracking_and_carrier_emails_the_parcel_link(
    admin_client, paid, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            _page(paid),
            {"_set_status": "shipped", "_tracking_number": "JJD000390007", "_carrier": "bring"},
        )
    order = Order.objects.get(pk=paid.pk)
    assert (order.status, order.tracking_number, order.carrier) == (
        "shipped",
        "JJD000390007",
        "bring",
    )
    [shipped] = [m for m in mailoutbox if "on its way" in m.subject]
    assert "JJD000390007 (Bring)" in shipped.body
    assert "https://tracking.bring.com/tracking/JJD000390007" in shipped.body


def test_shipping_without_tracking_needs_and_keeps_a_note(admin_client, paid):
    admin_client.post(_page(paid), {"_set_status": "shipped", "_no_tracking": "1"})
    assert Order.objects.get(pk=paid.pk).status == OrderStatus.PAID  # no note: refused
    admin_client.post(
        _page(paid),
        {"_set_status": "shipped", "_no_tracking": "1", "_note": "Handed over in the shop"},
    )
    order = Order.objects.get(pk=paid.pk)
    assert order.status == OrderStatus.SHIPPED and order.tracking_number == ""
    assert order.status_changes.last().note == "Handed over in the shop"


def test_a_correction_is_recorded_and_re_emails_only_when_asked(
    admin_client, paid, mailoutbox, django_capture_on_commit_callbacks
):
    admin_client.post(
        _page(paid), {"_set_status": "shipped", "_tracking_number": "WRONG-1", "_carrier": "dhl"}
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            _page(paid),
            {
                "_set_tracking": "1",
                "_correct_tracking": "JJD000390007",
                "_correct_carrier": "postnord",
            },
        )
    order = Order.objects.get(pk=paid.pk)
    assert (order.tracking_number, order.carrier) == ("JJD000390007", "postnord")
    note = order.status_changes.last().note
    assert "WRONG-1 (DHL) -> JJD000390007 (PostNord)" in note
    assert mailoutbox == []  # not asked to re-send
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            _page(paid),
            {
                "_set_tracking": "1",
                "_correct_tracking": "JJD000390008",
                "_correct_carrier": "postnord",
                "_resend_email": "1",
            },
        )
    assert [m.subject for m in mailoutbox] == [f"Your order {order.reference} is on its way"]
    assert "JJD000390008" in mailoutbox[0].body
    history = admin_client.get(f"/admin/orders/order/{order.pk}/history/").content.decode()
    assert "Tracking corrected" in history
