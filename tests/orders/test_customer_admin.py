"""Customers apart from staff in the admin; orders name customers as people, not ids."""

from decimal import Decimal

import pytest

from orders.models import Order, OrderStatus
from shop.models import User
from tests.factories import OrderFactory, ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_customers_have_their_own_list_with_what_they_bought(admin_client, ann):
    product = ProductFactory(price=Decimal("10.00"), stock=10)
    OrderFactory(lines=[(product, 2)], user=ann, status=OrderStatus.PAID)
    delivered = OrderFactory(lines=[(product, 3)], user=ann, status=OrderStatus.DELIVERED)
    Order.objects.filter(pk=delivered.pk).update(refunded_total=Decimal("5.00"))
    OrderFactory(lines=[(product, 1)], user=ann, status=OrderStatus.CANCELLED)
    OrderFactory(lines=[(product, 4)], user=ann, status=OrderStatus.PLACED)  # not paid yet
    StaffFactory(username="clerk")

    response = admin_client.get("/admin/shop/customer/")

    assert response.status_code == 200
    [row] = response.context["cl"].result_list
    # Spent is revenue: 20 paid + 30 delivered less 5 refunded; not unpaid or cancelled.
    assert (row.email, row.orders_count, row.spent) == ("ann@example.com", 4, Decimal("45.00"))
    page = response.content.decode()
    assert "Ann Smith" in page and "45.00 EUR" in page and "clerk" not in page


def test_staff_users_list_no_customers(admin_client, ann):
    StaffFactory(username="clerk")
    listed = {u.username for u in admin_client.get("/admin/shop/user/").context["cl"].result_list}
    assert "clerk" in listed and ann.username not in listed


def test_a_customer_page_shows_orders_and_no_password(admin_client, ann):
    order = OrderFactory(lines=[(ProductFactory(stock=3), 1)], user=ann)
    page = admin_client.get(f"/admin/shop/customer/{ann.pk}/change/").content.decode()
    assert order.reference in page
    assert "id_password" not in page and "Raw passwords" not in page  # no password field
    assert admin_client.get("/admin/shop/customer/add/").status_code == 403


def test_orders_name_the_customer_never_their_cognito_id(admin_client, ann):
    order = OrderFactory(lines=[(ProductFactory(stock=3), 1)], user=ann)
    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert ann.username.startswith("cognito-") or ann.cognito_sub
    assert ann.username not in page
    assert "Ann Smith" in page
    assert str(ann) == "Ann Smith"


def test_the_customer_list_costs_a_fixed_number_of_queries(
    admin_client, customer_client, django_assert_max_num_queries
):
    for n in range(5):
        customer_client(f"c{n}@example.com").get("/api/v1/me/")
    assert Order.objects.count() == 0
    with django_assert_max_num_queries(8):
        admin_client.get("/admin/shop/customer/")


def test_order_managers_see_customers_and_payments_but_change_neither(client):
    from django.contrib.auth.models import Group

    manager = StaffFactory()
    manager.groups.add(Group.objects.get(name="Order managers"))
    client.force_login(manager)
    assert client.get("/admin/shop/customer/").status_code == 200
    assert client.get("/admin/payments/payment/").status_code == 200
    assert client.get("/admin/shop/user/").status_code == 403  # staff accounts: not theirs
    assert not manager.has_perm("shop.change_customer")
    assert not manager.has_perm("payments.change_payment")


def test_a_customer_without_a_name_opens_by_their_email(admin_client, customer_client):
    client = customer_client("noname@example.com", given_name="", family_name="")
    assert client.get("/api/v1/me/").status_code == 200
    customer = User.objects.get(email="noname@example.com")
    assert customer.get_full_name() == ""
    page = admin_client.get("/admin/shop/customer/").content.decode()
    link = f'<a href="/admin/shop/customer/{customer.pk}/change/">noname@example.com</a>'
    assert link in page
    assert '/change/">-</a>' not in page
