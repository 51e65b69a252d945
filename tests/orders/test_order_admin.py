import csv
import io

import pytest
from django.contrib.auth.models import Group

from orders.models import Order, OrderStatus
from orders.services import Address, Customer, OrderItem, order_place, order_set_status
from tests.factories import ProductFactory, StaffFactory

# What marking an order paid by hand asks for (a bank transfer, seen on the statement).
PAID_BY_HAND = {
    "_payment_method": "bank_transfer",
    "_payment_reference": "NO-42",
    "_confirm_paid": "1",
}

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/orders/order/"


def _order(product, *, name="Ann", email="ann@example.com", quantity=1) -> Order:
    return order_place(
        items=[OrderItem(product_id=product.id, quantity=quantity)],
        customer=Customer(name=name, email=email),
        address=Address(line1="Main Street 1", city="Oslo", postal_code="0150", country="NO"),
    ).order


def _member_of(group_name: str):
    user = StaffFactory()
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def product():
    return ProductFactory(stock=100)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_list_shows_orders_with_item_counts_and_filters(admin_client, product):
    ann = _order(product, quantity=3)
    bob = _order(product, name="Bob", email="bob@example.com")
    order_set_status(order=bob, status=OrderStatus.PAID)

    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    rows = {order.reference: order for order in response.context["cl"].result_list}
    assert rows[ann.reference].item_count == 3
    assert b"PAID" in response.content.upper()

    paid = admin_client.get(CHANGELIST, {"status__exact": "paid"})
    assert [o.reference for o in paid.context["cl"].result_list] == [bob.reference]
    for term in ("bob@example", bob.reference, "Bob"):
        found = admin_client.get(CHANGELIST, {"q": term})
        assert [o.reference for o in found.context["cl"].result_list] == [bob.reference]
    today = bob.created_at
    dated = admin_client.get(
        CHANGELIST,
        {
            "created_at__year": today.year,
            "created_at__month": today.month,
            "created_at__day": today.day,
        },
    )
    assert dated.status_code == 200 and len(dated.context["cl"].result_list) == 2


def test_order_page_is_read_only_with_lines_history_and_status_buttons(admin_client, product):
    order = _order(product, quantity=2)

    response = admin_client.get(f"{CHANGELIST}{order.id}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert product.sku in html and "status history" in html.lower()
    assert response.context["adminform"].form.fields == {}
    assert [status for status, _ in response.context["status_buttons"]] == ["paid", "cancelled"]


def test_status_button_on_the_order_page_moves_the_status_with_a_note(admin_client, product):
    order = _order(product)

    response = admin_client.post(
        f"{CHANGELIST}{order.id}/change/",
        {"_set_status": "paid", "_note": "checked the statement", **PAID_BY_HAND},
        follow=True,
    )

    order.refresh_from_db()
    assert order.status == "paid"
    note = order.status_changes.last().note
    assert note == "Paid by bank transfer, reference NO-42. checked the statement"
    assert _messages(response) == [f"1 order(s) now paid: {order.reference}."]
    payment = order.payments.get()
    assert (payment.provider, payment.status, payment.recorded_by.username) == (
        "manual",
        "succeeded",
        "admin",
    )


def test_marking_paid_without_confirmation_method_and_reference_is_refused(admin_client, product):
    order = _order(product)
    page = f"{CHANGELIST}{order.id}/change/"
    for missing in ("_payment_method", "_payment_reference", "_confirm_paid"):
        fields = {key: value for key, value in PAID_BY_HAND.items() if key != missing}
        admin_client.post(page, {"_set_status": "paid", **fields})
    admin_client.post(CHANGELIST, {"action": "mark_paid", "_selected_action": [order.id]})
    order.refresh_from_db()
    assert order.status == "placed" and not order.payments.exists()


def test_status_actions_report_per_order_what_was_refused(admin_client, product):
    placed = _order(product)
    shipped = _order(product)
    order_set_status(order=shipped, status=OrderStatus.PAID)
    order_set_status(order=shipped, status=OrderStatus.SHIPPED, tracking_number="JJD000390007")

    response = admin_client.post(
        CHANGELIST,
        {"action": "mark_cancelled", "_selected_action": [placed.id, shipped.id]},
        follow=True,
    )

    messages = _messages(response)
    assert messages[0] == f"1 order(s) now cancelled: {placed.reference}."
    assert messages[1].startswith(f"Refused {shipped.reference}: An order that is shipped")
    placed.refresh_from_db()
    shipped.refresh_from_db()
    product.refresh_from_db()
    assert (placed.status, shipped.status, product.stock) == ("cancelled", "shipped", 99)


def test_csv_export_of_selected_orders(admin_client, product):
    first = _order(product, quantity=2, name="=HYPERLINK(evil)")
    _order(product)

    response = admin_client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [first.id]}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["reference", "placed_at", "status"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["reference"] == first.reference
    assert row["items"] == "2"
    assert row["total"] == str(first.total)
    assert row["customer"] == "'=HYPERLINK(evil)"


def test_orders_cannot_be_added_or_deleted(admin_client, product):
    order = _order(product)
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.get(f"{CHANGELIST}{order.id}/delete/").status_code == 403
    actions = dict(admin_client.get(CHANGELIST).context["action_form"].fields["action"].choices)
    assert "delete_selected" not in actions
    assert Order.objects.filter(pk=order.pk).exists()


def test_order_manager_does_the_order_work_and_no_more(client, product):
    order = _order(product)
    client.force_login(_member_of("Order managers"))

    assert client.get(CHANGELIST).status_code == 200
    assert client.get(f"{CHANGELIST}{order.id}/change/").status_code == 200
    client.post(f"{CHANGELIST}{order.id}/change/", {"_set_status": "paid", **PAID_BY_HAND})
    order.refresh_from_db()
    assert order.status == "paid"
    for url in (
        "/admin/catalog/product/",
        "/admin/catalog/category/",
        "/admin/shop/user/",
        "/admin/auth/group/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.get(f"{CHANGELIST}{order.id}/delete/").status_code == 403


def test_catalog_manager_cannot_see_orders(client, product):
    client.force_login(_member_of("Catalog managers"))
    assert client.get("/admin/catalog/product/").status_code == 200
    assert client.get(f"/admin/catalog/product/{product.id}/change/").status_code == 200
    assert client.get(CHANGELIST).status_code == 403


def test_staff_roles_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Catalog managers",
        "Order managers",
        "Report viewers",
        "Report recipients",
    }


def test_status_buttons_need_the_change_permission(client, product):
    order = _order(product)
    viewer = StaffFactory()
    viewer.user_permissions.add(
        *__import__(
            "django.contrib.auth.models", fromlist=["Permission"]
        ).Permission.objects.filter(codename="view_order")
    )
    client.force_login(viewer)

    response = client.post(f"{CHANGELIST}{order.id}/change/", {"_set_status": "paid"})

    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == "placed"


def test_status_and_payment_come_first_and_moves_show_in_history(admin_client):
    from tests.factories import OrderFactory

    order = OrderFactory(lines=[(ProductFactory(stock=5), 1)])
    url = f"/admin/orders/order/{order.pk}/change/"
    page = admin_client.get(url).content.decode()
    actions = page.index('id="order-actions"')
    assert actions < page.index("Customer name")  # above the order's fields
    assert "Payment: none started" in page[actions:]
    assert page.index('name="_set_status"') < page.index("Customer name")

    admin_client.post(url, {"_set_status": "paid", "_note": "bank transfer", **PAID_BY_HAND})
    admin_client.post(url, {"_set_status": "shipped", "_tracking_number": "PN1"})

    history = admin_client.get(f"/admin/orders/order/{order.pk}/history/").content.decode()
    assert "Status: paid. bank transfer" in history and "Status: shipped." in history
