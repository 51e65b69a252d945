"""Payment controls in the order list and on the order page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order, OrderStatus
from payments.models import Payment, PaymentStatus, Refund
from tests.factories import OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/orders/order/"


@pytest.fixture
def orders():
    product = ProductFactory(price=Decimal("10.00"), stock=100)

    def order(status, **changes):
        made = OrderFactory(lines=[(product, 1)], status=status)
        Order.objects.filter(pk=made.pk).update(**changes)
        return Order.objects.get(pk=made.pk)

    awaiting = order(OrderStatus.PLACED)
    overdue = order(OrderStatus.PLACED, created_at=timezone.now() - timedelta(hours=1))
    failed = order(OrderStatus.PLACED)
    Payment.objects.create(
        order=failed, provider="stripe", provider_id="pi_f", amount=10, currency="EUR",
        status=PaymentStatus.FAILED,
    )  # fmt: skip
    paid = order(OrderStatus.SHIPPED)
    refunded = order(OrderStatus.DELIVERED, refunded_total=Decimal("4.00"))
    return {
        "awaiting": awaiting,
        "overdue": overdue,
        "failed": failed,
        "paid": paid,
        "refunded": refunded,
    }


@pytest.mark.parametrize("state", ["awaiting", "overdue", "paid", "refunded", "failed"])
def test_the_order_list_filters_by_payment(admin_client, orders, state):
    listed = admin_client.get(LIST, {"payment": state}).context["cl"].result_list
    expected = {orders[state].pk} | ({orders["failed"].pk} if state == "awaiting" else set())
    assert {order.pk for order in listed} == expected


def test_the_order_list_shows_where_the_money_stands(admin_client, orders):
    page = admin_client.get(LIST).content.decode()
    for label in ("Awaiting payment", "Overdue", "Paid", "Part refunded"):
        assert f">{label}</span>" in page


def test_a_stripe_payment_links_to_the_dashboard_and_its_refunds_show(admin_client, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_" + "x" * 24
    order = OrderFactory(
        lines=[(ProductFactory(price=Decimal("8.00")), 1)], status=OrderStatus.PAID
    )
    payment = Payment.objects.create(
        order=order, provider="stripe", provider_id="pi_3Abc", amount=8, currency="EUR",
        status=PaymentStatus.SUCCEEDED,
    )  # fmt: skip
    Refund.objects.create(payment=payment, provider_id="re_1", amount=3, reason="Damaged lid")
    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert 'href="https://dashboard.stripe.com/test/payments/pi_3Abc"' in page
    assert "3.00 EUR refunded" in page and "by the shop: Damaged lid" in page
