"""Every status move reaches the order's History page, with what made it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order
from payments.services import orders_expire
from tests.factories import ProductFactory
from tests.orders.bodies import order_body
from tests.payments.events import WEBHOOK_SECRET, deliver, intent_event, payment_started

pytestmark = pytest.mark.django_db


def _history(admin_client, reference) -> str:
    order = Order.objects.get(reference=reference)
    response = admin_client.get(f"/admin/orders/order/{order.pk}/history/")
    assert response.status_code == 200
    return response.content.decode().split('id="status-history"', 1)[1].split("</table>")[0]


def test_moves_by_the_webhook_the_expiry_job_the_customer_and_an_employee(
    admin_client, api_client, stripe_api
):
    product = ProductFactory(price=Decimal("5.00"), stock=20)
    paid, intent = payment_started(api_client, product)
    deliver(api_client, intent_event(stripe_api.succeed(intent)), WEBHOOK_SECRET)
    admin_client.post(
        f"/admin/orders/order/{Order.objects.get(reference=paid).pk}/change/",
        {"_set_status": "shipped", "_tracking_number": "JJD000390007"},
    )
    expired = api_client.post("/api/v1/orders/", order_body((product.pk, 1)), format="json")
    expired = expired.json()["reference"]
    Order.objects.filter(reference=expired).update(created_at=timezone.now() - timedelta(hours=1))
    orders_expire()
    placed = api_client.post("/api/v1/orders/", order_body((product.pk, 1)), format="json").json()
    api_client.post(
        f"/api/v1/orders/{placed['reference']}/cancel/",
        {"reason": "Changed my mind"},
        format="json",
        HTTP_X_ORDER_TOKEN=placed["access_token"],
    )

    moves = _history(admin_client, paid)
    assert "Checkout" in moves and "Payment provider (webhook)" in moves
    assert "Employee in the admin: admin" in moves and "Shipped" in moves
    assert "Expiry job" in _history(admin_client, expired)
    customer = _history(admin_client, placed["reference"])
    assert "Customer" in customer and "Changed my mind" in customer
