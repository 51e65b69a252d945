import itertools
import logging

import pytest
from django.db import transaction

from orders.errors import InvalidStatusTransition
from orders.models import STATUS_TRANSITIONS, Order, OrderStatus, OrderStatusChange
from orders.services import Address, Customer, OrderItem, order_place, order_set_status
from shop.models import OutboundEmail
from tests.factories import StaffFactory
from tests.orders.bodies import order_body

# A parcel's tracking number: shipping needs one (or an explicit "no tracking").
TRACKING = "JJD000390007"

pytestmark = pytest.mark.django_db

CUSTOMER = Customer(name="Ann", email="ann@example.com")
ADDRESS = Address(line1="Main Street 1", city="Oslo", postal_code="0150", country="NO")

ALLOWED = [(start, end) for start, ends in STATUS_TRANSITIONS.items() for end in ends]
REFUSED = [
    (start, end)
    for start, end in itertools.product(OrderStatus.values, repeat=2)
    if (start, end) not in ALLOWED
]
# How to reach each status from a new order.
PATHS = {
    OrderStatus.PLACED: [],
    OrderStatus.PAID: [OrderStatus.PAID],
    OrderStatus.SHIPPED: [OrderStatus.PAID, OrderStatus.SHIPPED],
    OrderStatus.DELIVERED: [OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED],
    OrderStatus.CANCELLED: [OrderStatus.CANCELLED],
}


def _order_in(status, *products) -> Order:
    order = order_place(
        items=[OrderItem(product_id=p.id, quantity=1) for p in products],
        customer=CUSTOMER,
        address=ADDRESS,
    ).order
    for step in PATHS[status]:
        order = order_set_status(
            order=order, status=step, tracking_number=TRACKING if step == "shipped" else ""
        )
    return order


def test_the_rules_are_the_documented_ones():
    assert sorted(ALLOWED) == sorted(
        [
            ("placed", "paid"),
            ("paid", "shipped"),
            ("shipped", "delivered"),
            ("placed", "cancelled"),
            ("paid", "cancelled"),
        ]
    )


@pytest.mark.parametrize(("start", "end"), ALLOWED)
def test_allowed_moves_are_recorded_with_who_and_note(tea, start, end):
    order = _order_in(start, tea)
    clerk = StaffFactory()

    moved = order_set_status(
        order=order, status=end, by=clerk, note="tracking 123", tracking_number=TRACKING
    )

    assert moved.status == end
    order.refresh_from_db()
    assert order.status == end
    last = order.status_changes.last()
    assert (last.from_status, last.to_status, last.changed_by, last.note) == (
        start,
        end,
        clerk,
        "tracking 123",
    )


@pytest.mark.parametrize(("start", "end"), REFUSED)
def test_every_other_move_is_refused_and_changes_nothing(tea, start, end):
    order = _order_in(start, tea)
    tea.refresh_from_db()
    stock, changes = tea.stock, OrderStatusChange.objects.count()

    with pytest.raises(InvalidStatusTransition) as refused:
        order_set_status(order=order, status=end)

    assert refused.value.code == "invalid_status_transition"
    order.refresh_from_db()
    tea.refresh_from_db()
    assert (order.status, tea.stock, OrderStatusChange.objects.count()) == (start, stock, changes)


@pytest.mark.parametrize("start", [OrderStatus.PLACED, OrderStatus.PAID])
def test_cancelling_returns_the_stock(tea, mug, start):
    order = _order_in(start, tea, mug)
    tea.refresh_from_db()
    mug.refresh_from_db()
    assert (tea.stock, mug.stock) == (4, 1)

    order_set_status(order=order, status=OrderStatus.CANCELLED)

    tea.refresh_from_db()
    mug.refresh_from_db()
    assert (tea.stock, mug.stock) == (5, 2)


def test_a_stale_order_object_cannot_cancel_twice(tea):
    order = _order_in(OrderStatus.PLACED, tea)
    stale = Order.objects.get(pk=order.pk)
    order_set_status(order=order, status=OrderStatus.CANCELLED)

    with pytest.raises(InvalidStatusTransition):
        order_set_status(order=stale, status=OrderStatus.CANCELLED)
    tea.refresh_from_db()
    assert tea.stock == 5  # returned once, not twice


@pytest.mark.parametrize(
    ("end", "mails"),
    [(OrderStatus.PAID, 1), (OrderStatus.SHIPPED, 1), (OrderStatus.CANCELLED, 1)],
)
def test_paid_shipped_and_cancelled_notices_go_out_after_commit(
    tea, mailoutbox, django_capture_on_commit_callbacks, end, mails
):
    order = _order_in(OrderStatus.PAID if end == OrderStatus.SHIPPED else OrderStatus.PLACED, tea)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order_set_status(order=order, status=end, tracking_number=TRACKING)
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == mails
    if mails:
        assert order.reference in mailoutbox[0].subject
        expected = {
            OrderStatus.PAID: "Payment received",
            OrderStatus.SHIPPED: "on its way",
            OrderStatus.CANCELLED: "was cancelled",
        }
        assert expected[end] in mailoutbox[0].subject


def test_no_email_when_the_transaction_rolls_back(
    tea, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        order_place(items=[OrderItem(tea.id, 1)], customer=CUSTOMER, address=ADDRESS)
        raise RuntimeError("something later in the same transaction failed")
    assert callbacks == []
    assert mailoutbox == []
    assert not Order.objects.exists()
    tea.refresh_from_db()
    assert tea.stock == 5


def test_a_failing_mail_server_keeps_the_order(
    api_client, tea, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.orders.failing_email.FailingEmailBackend"

    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v1/orders/", order_body((tea.id, 2)), format="json")

    assert response.status_code == 201
    order = Order.objects.get(reference=response.json()["reference"])
    assert order.status == OrderStatus.PLACED
    tea.refresh_from_db()
    assert tea.stock == 3
    # The email waits in the outbox for the sweep to try again.
    email = OutboundEmail.objects.get(reference=order.reference)
    assert (email.kind, email.state, email.attempts) == ("order.confirmation", "pending", 1)
    assert "the mail server went away" in email.error
    assert any("Could not send email" in record.getMessage() for record in caplog.records)
