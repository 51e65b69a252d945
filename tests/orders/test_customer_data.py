"""A customer's data on request: all of it as JSON, and its erasure with the books kept."""

import json
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission

from orders.models import Cart, CartItem, CustomerAddress, Order, OrderStatus, OrderStatusChange
from payments.models import Payment, PaymentStatus, Refund
from shop.models import EmailState, OutboundEmail, User
from tests.factories import OrderFactory, ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hers(ann):
    """Ann's address book, cart, an order signed in (paid, part refunded), one as a guest."""
    mug = ProductFactory(sku="MUG-1", name="Mug", price=Decimal("10.00"), stock=10)
    CustomerAddress.objects.create(
        user=ann, name="Home", line1="1 Road", city="Oslo", postal_code="0150", country="NO"
    )
    CartItem.objects.create(cart=Cart.objects.create(user=ann), product=mug, quantity=2)
    signed_in = OrderFactory(lines=[(mug, 2)], user=ann, status=OrderStatus.PAID)
    payment = Payment.objects.create(
        order=signed_in, provider="stripe", provider_id="pi_ann", amount=Decimal("20.00"),
        currency="EUR", status=PaymentStatus.SUCCEEDED, client_secret="pi_ann_secret_x",
    )  # fmt: skip
    Refund.objects.create(payment=payment, amount=Decimal("5.00"), reason="Chipped")
    guest = OrderFactory(lines=[(mug, 1)], email="ANN@example.com", customer_name="Ann S.")
    OutboundEmail.objects.create(kind="order.placed", to="ann@example.com", params={"x": 1})
    bob = OrderFactory(lines=[(mug, 1)], email="bob@example.com", customer_name="Bob")
    return {"signed_in": signed_in, "guest": guest, "bob": bob, "payment": payment}


def _data(client, customer):
    response = client.get(f"/admin/shop/customer/{customer.pk}/data/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    return json.loads(response.content)


def test_their_data_downloads_as_json_with_everything_the_shop_holds(admin_client, ann, hers):
    data = _data(admin_client, ann)

    assert data["profile"]["email"] == "ann@example.com"
    assert (data["profile"]["first_name"], data["profile"]["last_name"]) == ("Ann", "Smith")
    assert [a["line1"] for a in data["addresses"]] == ["1 Road"]
    assert data["cart"] == [{"sku": "MUG-1", "name": "Mug", "quantity": 2}]
    references = [order["reference"] for order in data["orders"]]
    # Signed in and as a guest with her email; never Bob's.
    assert references == [hers["signed_in"].reference, hers["guest"].reference]
    first = data["orders"][0]
    assert first["lines"] == [
        {"sku": "MUG-1", "name": "Mug", "quantity": 2, "unit_price": "10.00",
         "line_total": "20.00"}
    ]  # fmt: skip
    assert first["shipping_address"]["city"] == "Oslo"
    assert [change["to"] for change in first["history"]][-1] == "paid"
    [payment] = data["payments"]
    assert (payment["provider_id"], payment["amount"], payment["status"]) == (
        "pi_ann",
        "20.00",
        "succeeded",
    )
    assert payment["refunds"][0]["amount"] == "5.00"
    assert "pi_ann_secret_x" not in json.dumps(data)  # no secrets
    assert {email["kind"] for email in data["emails"]} >= {"order.placed"}
    # The download is in the customer's history.
    assert LogEntry.objects.filter(
        object_id=str(ann.pk), change_message="Downloaded their data (JSON)."
    ).exists()


def test_erasing_replaces_personal_data_and_keeps_orders_and_money(admin_client, ann, hers):
    signed_in, guest, bob = hers["signed_in"], hers["guest"], hers["bob"]
    money_before = sorted(Order.objects.values_list("reference", "total", "status"))
    payments_before = list(Payment.objects.values_list("amount", "status", "provider_id"))

    page = admin_client.get(f"/admin/shop/customer/{ann.pk}/erase/")
    assert page.status_code == 200 and "cannot be undone" in page.content.decode()
    assert User.objects.get(pk=ann.pk).is_active  # the page alone changes nothing

    done = admin_client.post(f"/admin/shop/customer/{ann.pk}/erase/")

    assert done.status_code == 302
    ann.refresh_from_db()
    assert not ann.is_active and not ann.has_usable_password()
    assert (ann.first_name, ann.last_name) == ("", "")
    assert ann.email == f"erased-{ann.pk}@erased.invalid"
    assert not CustomerAddress.objects.filter(user=ann).exists()
    assert not Cart.objects.filter(user=ann).exists()
    for order in (signed_in, guest):
        order.refresh_from_db()
        assert order.customer_name == "Erased customer"
        assert order.email == f"erased-{ann.pk}@erased.invalid"
        assert (order.phone, order.shipping_postal_code) == ("", "")
        assert "Road" not in order.shipping_line1 and order.shipping_city == "(erased)"
        assert order.shipping_country == "NO"  # for the VAT books
        assert OrderStatusChange.objects.filter(
            order=order, note="Personal data erased on the customer's request."
        ).exists()
    # Orders, totals and payments are kept as they were; Bob is untouched.
    assert sorted(Order.objects.values_list("reference", "total", "status")) == money_before
    assert list(Payment.objects.values_list("amount", "status", "provider_id")) == payments_before
    bob.refresh_from_db()
    assert (bob.customer_name, bob.email) == ("Bob", "bob@example.com")
    # No email of hers will go out, and none keeps her address.
    assert not OutboundEmail.objects.filter(to__iexact="ann@example.com").exists()
    assert not OutboundEmail.objects.filter(to=ann.email, state=EmailState.PENDING).exists()
    # Recorded in her history, by whom.
    entry = LogEntry.objects.filter(object_id=str(ann.pk)).latest("action_time")
    assert entry.change_message.startswith("Erased on request: personal data replaced in 2 order")
    # Her data now says nothing about her.
    assert "ann@example.com" not in json.dumps(_data(admin_client, ann)).lower()


def test_only_staff_allowed_to_change_customers_can_erase(client, ann, hers):
    clerk = StaffFactory()
    clerk.user_permissions.add(Permission.objects.get(codename="view_customer"))
    client.force_login(clerk)
    assert client.get(f"/admin/shop/customer/{ann.pk}/data/").status_code == 200

    assert client.post(f"/admin/shop/customer/{ann.pk}/erase/").status_code == 403

    ann.refresh_from_db()
    assert ann.is_active and ann.email == "ann@example.com"
    assert Order.objects.get(pk=hers["signed_in"].pk).customer_name == "Ann Smith"


def test_staff_without_view_permission_cannot_download_anyones_data(client, ann, hers):
    client.force_login(StaffFactory())
    assert client.get(f"/admin/shop/customer/{ann.pk}/data/").status_code == 403
    assert not LogEntry.objects.filter(object_id=str(ann.pk)).exists()


def test_an_unknown_customer_is_not_found(admin_client):
    assert admin_client.get("/admin/shop/customer/999999/data/").status_code == 404
    assert admin_client.post("/admin/shop/customer/999999/erase/").status_code == 404


def test_the_customer_page_offers_download_and_erase(admin_client, ann):
    html = admin_client.get(f"/admin/shop/customer/{ann.pk}/change/").content.decode()
    assert f"/admin/shop/customer/{ann.pk}/data/" in html
    assert f"/admin/shop/customer/{ann.pk}/erase/" in html
