"""For a known data set every figure in the HTML is exact; every value is escaped."""

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest

from orders.models import Order, OrderStatus
from reports.builders import BUILDERS
from reports.models import Report
from tests.factories import CategoryFactory, OrderFactory, ProductFactory, shop_time

pytestmark = pytest.mark.django_db

D1, D2, D3 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)


def _html(kind, date_from=D1, date_to=D3) -> str:
    report = Report(kinds=[kind], date_from=date_from, date_to=date_to)
    return "".join(BUILDERS[kind](report))


def _kpi(page: str, label: str) -> str:
    match = re.search(rf"<span class=\"muted\">{re.escape(label)}</span><b>([^<]*)</b>", page)
    assert match, label
    return unescape(match.group(1))


def _rows(page: str, heading: str) -> list[list[str]]:
    section = page.split(f"<h2>{heading}</h2>")[1].split("</table>")[0]
    return [
        [unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", section)
        if "<td" in row
    ]


@pytest.fixture
def shop(settings):
    settings.SHOP_LOW_STOCK_THRESHOLD = 5
    category = CategoryFactory(name="Tea")
    tea = ProductFactory(sku="TEA", name="Tea", price=Decimal("4.50"), stock=0, category=category)
    mug = ProductFactory(sku="MUG", name="Mug", price=Decimal("12.00"), stock=3, category=category)
    # 5 in stock now; the cancelled order below gives 5 back: 10 when the report runs.
    pot = ProductFactory(sku="POT", name="Pot", price=Decimal("30.00"), stock=5, category=category)
    OrderFactory(lines=[(tea, 2), (mug, 1)], placed_at=shop_time(D1))  # 21.00 awaiting payment
    OrderFactory(lines=[(pot, 1)], status=OrderStatus.PAID, placed_at=shop_time(D1, 18))  # 30.00
    OrderFactory(lines=[(mug, 1)], status=OrderStatus.DELIVERED, placed_at=shop_time(D2))  # 12
    shipped = OrderFactory(lines=[(mug, 2)], status=OrderStatus.SHIPPED, placed_at=shop_time(D3))
    Order.objects.filter(pk=shipped.pk).update(refunded_total=Decimal("4.00"))  # 24.00 less 4
    OrderFactory(
        lines=[(pot, 5)], status=OrderStatus.CANCELLED, placed_at=shop_time(D3, 9)
    )  # never paid: not revenue
    OrderFactory(lines=[(pot, 9)], placed_at=shop_time(date(2026, 3, 4)))  # after the period
    OrderFactory(lines=[(tea, 9)], placed_at=shop_time(date(2026, 2, 28), 23))  # before the period
    return tea, mug, pot


def test_orders_report_figures(shop, settings):
    settings.SHOP_REPORT_ORDER_ROWS = 2
    page = _html("orders")

    # Revenue: the paid 30, the delivered 12 and the shipped 24 less its 4 refunded; not
    # the 21 awaiting payment, not the 150 cancelled before payment.
    assert _kpi(page, "Paid orders") == "3"
    assert _kpi(page, "Revenue") == "62.00"
    assert _kpi(page, "Average paid order") == "20.67"
    assert _kpi(page, "Units sold") == "4"
    assert _kpi(page, "Awaiting payment") == "1 · 21.00"
    assert _kpi(page, "Cancelled unpaid") == "1 · 150.00"
    assert _kpi(page, "All orders placed") == "5"
    assert _rows(page, "Revenue per day") == [
        ["2026-03-01", "1", "30.00"],
        ["2026-03-02", "1", "12.00"],
        ["2026-03-03", "1", "20.00"],
    ]
    assert _rows(page, "Orders by status") == [
        ["Placed", "1", "21.00"],
        ["Paid", "1", "30.00"],
        ["Shipped", "1", "24.00"],
        ["Delivered", "1", "12.00"],
        ["Cancelled", "1", "150.00"],
    ]
    assert _rows(page, "Top 10 products by units") == [
        ["MUG", "Mug", "3", "36.00"],
        ["POT", "Pot", "1", "30.00"],
    ]
    listing = _rows(page, "All orders placed (5, every status)")
    assert [row[4] for row in listing] == ["shipped", "cancelled"]  # newest first, capped at 2
    assert "and 3 more orders not listed" in page
    assert page.count("<rect ") == 3  # one bar per day of the inline chart
    assert "<script" not in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")


def test_products_report_figures(shop):
    page = _html("products")

    assert _kpi(page, "Products") == "3"
    assert _kpi(page, "Out of stock") == "1"
    assert _kpi(page, "Low stock (1 to 5)") == "1"
    assert _kpi(page, "Inventory value") == "336.00"  # 0*4.50 + 3*12 + 10*30
    assert _kpi(page, "Units sold") == "4"
    assert _kpi(page, "Sales") == "66.00"
    assert _kpi(page, "Revenue") == "62.00"  # the orders report's
    assert _rows(page, "Products") == [
        ["TEA", "Tea", "Tea", "4.50", "0", "0", "0.00", "0.00"],
        ["MUG", "Mug", "Tea", "12.00", "3", "3", "36.00", "36.00"],
        ["POT", "Pot", "Tea", "30.00", "10", "1", "30.00", "300.00"],
    ]
    assert '<tr class="out">' in page and '<tr class="low">' in page


def test_an_empty_period_has_zeros_not_errors(db):
    page = _html("orders", date(2025, 1, 1), date(2025, 1, 2))
    assert _kpi(page, "Paid orders") == "0" and _kpi(page, "Average paid order") == "0.00"
    assert _kpi(_html("products", date(2025, 1, 1), date(2025, 1, 1)), "Products") == "0"


def test_every_value_is_escaped(db):
    evil = ProductFactory(sku="<b>X</b>", name="<script>alert(1)</script>", stock=1)
    OrderFactory(
        lines=[(evil, 1)],
        customer_name='"><img src=x onerror=alert(2)>',
        email="a@b.c",
        status=OrderStatus.PAID,  # sold: its product is among the top products
        placed_at=shop_time(D1),
    )

    for kind in ("orders", "products"):
        page = _html(kind)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script" not in page and "<img" not in page and "<b>X" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in _html("orders")
