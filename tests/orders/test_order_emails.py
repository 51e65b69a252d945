"""Order emails follow the money and carry a signed link that opens the order."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.utils import timezone

from orders.models import Order, OrderStatus
from orders.services import order_set_status
from tests.factories import ProductFactory
from tests.orders.bodies import order_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(api_client, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.SHOP_STOREFRONT_URL = "https://shop.example.com"
    product = ProductFactory(price=Decimal("9.50"), stock=5)
    with django_capture_on_commit_callbacks(execute=True):
        body = api_client.post(
            "/api/v1/orders/",
            order_body((product.pk, 2)),
            format="json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        ).json()
    return body, mailoutbox[0]


def _link(message) -> str:
    [url] = re.findall(r"https://shop\.example\.com/\S+", message.body)
    return url


def test_the_confirmation_says_the_order_awaits_payment_until_when(placed, settings):
    _, message = placed
    assert "awaits payment" in message.subject
    assert "awaits payment" in message.body and "please pay by" in message.body
    assert f"Start paying within {settings.SHOP_UNSTARTED_PAYMENT_MINUTES} minutes" in message.body
    assert "preparing" not in message.body
    html = message.alternatives[0][0]
    assert "awaits payment" in html and 'href="https://shop.example.com/orders/' in html


def test_the_email_link_opens_the_order_in_place_of_the_token(api_client, placed):
    body, message = placed
    url = urlsplit(_link(message))
    assert url.path == f"/orders/{body['reference']}"
    [token] = parse_qs(url.query)["token"]
    assert token != body["access_token"]
    answer = api_client.get(f"/api/v1/orders/{body['reference']}/", HTTP_X_ORDER_TOKEN=token)
    assert answer.status_code == 200 and answer.json()["reference"] == body["reference"]
    # The reference alone, another order's link or a tampered link open nothing.
    assert api_client.get(f"/api/v1/orders/{body['reference']}/").status_code == 404
    other = signing.dumps("ZZZZZ-ZZZZZ", salt="orders.tokens.follow-link", compress=True)
    for bad in (other, token[:-2] + "xx"):
        refused = api_client.get(f"/api/v1/orders/{body['reference']}/", HTTP_X_ORDER_TOKEN=bad)
        assert refused.status_code == 404


def test_the_email_link_expires_with_the_setting(api_client, placed, settings, monkeypatch):
    body, message = placed
    [token] = parse_qs(urlsplit(_link(message)).query)["token"]
    settings.SHOP_ORDER_LINK_DAYS = 1
    later = timezone.now() + timedelta(days=2)
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())
    answer = api_client.get(f"/api/v1/orders/{body['reference']}/", HTTP_X_ORDER_TOKEN=token)
    assert answer.status_code == 404


def test_the_email_link_survives_a_key_rotation(api_client, placed, settings):
    body, message = placed
    [token] = parse_qs(urlsplit(_link(message)).query)["token"]
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    answer = api_client.get(f"/api/v1/orders/{body['reference']}/", HTTP_X_ORDER_TOKEN=token)
    assert answer.status_code == 200


def test_payment_received_and_shipped_with_its_tracking_number(
    placed, mailoutbox, django_capture_on_commit_callbacks
):
    body, _ = placed
    order = Order.objects.get(reference=body["reference"])
    with django_capture_on_commit_callbacks(execute=True):
        order_set_status(order=order, status=OrderStatus.PAID)
    with django_capture_on_commit_callbacks(execute=True):
        order_set_status(order=order, status=OrderStatus.SHIPPED, tracking_number="JJD000390007")
    paid, shipped = mailoutbox[1:]
    assert "Payment received" in paid.subject and "19.00 EUR" in paid.body
    assert "JJD000390007" in shipped.body and "JJD000390007" in shipped.alternatives[0][0]
    assert all("https://shop.example.com/orders/" in m.body for m in (paid, shipped))


def test_the_cancelled_email_says_what_happened_to_the_money(
    placed, mailoutbox, django_capture_on_commit_callbacks
):
    body, _ = placed
    order = Order.objects.get(reference=body["reference"])
    with django_capture_on_commit_callbacks(execute=True):
        order_set_status(order=order, status=OrderStatus.CANCELLED)
    assert "No payment was taken" in mailoutbox[-1].body
    Order.objects.filter(pk=order.pk).update(refunded_total=Decimal("19.00"))
    from orders.emails import order_email_queue

    with django_capture_on_commit_callbacks(execute=True):
        order_email_queue(order, "cancelled")
    assert "We have refunded 19.00 EUR" in mailoutbox[-1].body


def test_payment_notices_link_to_the_order_too(
    placed, settings, mailoutbox, django_capture_on_commit_callbacks
):
    from payments.emails import payment_email_queue
    from payments.models import Payment

    body, _ = placed
    order = Order.objects.get(reference=body["reference"])
    payment = Payment.objects.create(
        order=order, provider="local", provider_id="pi_x", amount=order.total, currency="EUR"
    )
    with django_capture_on_commit_callbacks(execute=True):
        payment_email_queue(payment, "late_refunded")
    assert f"https://shop.example.com/orders/{order.reference}?token=" in mailoutbox[-1].body
