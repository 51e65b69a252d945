"""Locally there is no Stripe account: the local provider's signed events take the same path."""

import pytest

from orders.models import Order, OrderStatus
from payments.models import Payment, PaymentStatus, WebhookEvent
from tests.factories import ProductFactory
from tests.orders.bodies import order_body
from tests.payments.events import payment_started
from tests.shop.settings_process import PRODUCTION, run_code

pytestmark = pytest.mark.django_db


def test_paying_locally_goes_through_the_webhook_code(api_client, settings):
    assert settings.PAYMENTS_PROVIDER == "local"
    product = ProductFactory(stock=3)
    placed = api_client.post("/api/v1/orders/", order_body((product.pk, 1)), format="json").json()
    payment = api_client.post(
        f"/api/v1/orders/{placed['reference']}/payment/",
        HTTP_X_ORDER_TOKEN=placed["access_token"],
    ).json()
    assert payment["provider"] == "local" and payment["payment_intent"].startswith("pi_local_")

    response = api_client.post(f"/local-payments/{payment['payment_intent']}/pay")

    assert response.json() == {"outcome": "order paid"}
    assert Order.objects.get(reference=placed["reference"]).status == OrderStatus.PAID
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED
    assert WebhookEvent.objects.get().type == "payment_intent.succeeded"


def test_a_local_payment_can_fail_too(api_client):
    _, intent = payment_started(api_client, ProductFactory(stock=3))
    api_client.post(f"/local-payments/{intent}/pay?fail=1")
    assert Payment.objects.get().status == PaymentStatus.FAILED
    assert Order.objects.get().status == OrderStatus.PLACED
    assert api_client.post("/local-payments/pi_local_nope/pay").status_code == 404


def test_production_never_mounts_local_payments():
    probe = run_code(
        "import django; django.setup(); from django.conf import settings; "
        "from django.urls import resolve, Resolver404\n"
        "try:\n    resolve('/local-payments/pi_x/pay'); print('mounted')\n"
        "except Resolver404:\n    print('absent', settings.PAYMENTS_PROVIDER)",
        **PRODUCTION,
        PAYMENTS_PROVIDER="local",
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == ["absent", "stripe"]
