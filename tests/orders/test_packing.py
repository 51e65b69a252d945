"""Packing paperwork: every order line with its full address as CSV, and printable slips."""

import csv
import io

import pytest
from django.contrib.auth.models import Group

from tests.factories import OrderFactory, ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders():
    tea = ProductFactory(sku="TEA-1", name="Green tea", stock=10)
    mug = ProductFactory(sku="MUG-1", name='=HYPERLINK("x")', stock=10)
    first = OrderFactory(lines=[(tea, 2), (mug, 1)], customer_name="Ann Smith")
    second = OrderFactory(lines=[(tea, 1)], customer_name="Bo Lee")
    return first, second


@pytest.fixture
def manager_client(client):
    manager = StaffFactory()
    manager.groups.add(Group.objects.get(name="Order managers"))
    client.force_login(manager)
    return client


def test_the_lines_export_has_a_row_per_line_with_the_full_address(manager_client, orders):
    first, second = orders
    answer = manager_client.post(
        "/admin/orders/order/",
        {"action": "export_lines_csv", "_selected_action": [first.pk, second.pk]},
    )
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert [(r["reference"], r["sku"], r["quantity"]) for r in rows] == [
        (first.reference, "TEA-1", "2"),
        (first.reference, "MUG-1", "1"),
        (second.reference, "TEA-1", "1"),
    ]
    row = rows[0]
    assert (row["address_line1"], row["postal_code"], row["city"], row["country"]) == (
        first.shipping_line1,
        first.shipping_postal_code,
        first.shipping_city,
        first.shipping_country,
    )
    assert rows[1]["product"].startswith("'=")  # never a formula in a spreadsheet


def test_packing_slips_print_the_selected_orders_one_a_page(manager_client, orders):
    first, second = orders
    answer = manager_client.post(
        "/admin/orders/order/",
        {"action": "print_packing_slips", "_selected_action": [first.pk, second.pk]},
    )
    assert answer.status_code == 302
    page = manager_client.get(answer["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "size: A4" in text and "break-after: page" in text
    assert text.count('class="slip"') == 2
    assert text.index(first.reference) < text.index(second.reference)
    assert "Ann Smith" in text and "Bo Lee" in text and first.shipping_line1 in text
    assert "Green tea" in text and "&quot;" in text  # escaped, never markup
    # From the order's own page too.
    order_page = manager_client.get(f"/admin/orders/order/{first.pk}/change/").content.decode()
    assert f"packing-slips/?ids={first.pk}" in order_page
    assert f"lines.csv?ids={first.pk}" in order_page
    own = manager_client.get(f"/admin/orders/order/lines.csv?ids={first.pk}").content.decode()
    assert len(list(csv.DictReader(io.StringIO(own)))) == 2


@pytest.mark.parametrize("ids", ["", "1,x", ",".join(["1"] * 201)])
@pytest.mark.parametrize("page", ["packing-slips/", "lines.csv"])
def test_bad_ids_are_a_400(manager_client, orders, ids, page):
    assert manager_client.get(f"/admin/orders/order/{page}?ids={ids}").status_code == 400


def test_unknown_orders_are_a_404_and_strangers_get_nothing(client, manager_client, orders):
    assert manager_client.get("/admin/orders/order/packing-slips/?ids=999999").status_code == 404
    client.force_login(StaffFactory())  # staff without the order permissions
    answer = client.get(f"/admin/orders/order/packing-slips/?ids={orders[0].pk}")
    assert answer.status_code == 403
