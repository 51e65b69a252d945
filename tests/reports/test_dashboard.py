"""The admin's front page: the day's figures, what to ship, what runs out, latest reports."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from orders.models import Order, OrderStatus
from tests.factories import (
    OrderFactory,
    ProductFactory,
    ReportFactory,
    StaffFactory,
    shop_time,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop_day(settings):
    settings.SHOP_LOW_STOCK_THRESHOLD = 5
    # Fixed hours of the shop's days, whatever the time the test runs at.
    today = timezone.localdate()
    mug = ProductFactory(name="Mug", price=Decimal("10.00"), stock=50)
    OrderFactory(lines=[(mug, 1)], status=OrderStatus.PAID, placed_at=shop_time(today, 9))
    OrderFactory(lines=[(mug, 2)], status=OrderStatus.PLACED, placed_at=shop_time(today, 10))
    OrderFactory(lines=[(mug, 9)], status=OrderStatus.CANCELLED, placed_at=shop_time(today, 11))
    delivered = OrderFactory(
        lines=[(mug, 3)], status=OrderStatus.DELIVERED, placed_at=shop_time(today, 8)
    )
    Order.objects.filter(pk=delivered.pk).update(refunded_total=Decimal("5.00"))  # partly
    yesterday, nine_days_ago = today - timedelta(days=1), today - timedelta(days=9)
    # Just after midnight: always before "yesterday by this time".
    OrderFactory(lines=[(mug, 4)], status=OrderStatus.SHIPPED, placed_at=shop_time(yesterday, 0))
    OrderFactory(lines=[(mug, 5)], status=OrderStatus.PAID, placed_at=shop_time(nine_days_ago))
    ProductFactory(name="Teapot", stock=0)
    ProductFactory(name="Cup", stock=3)
    ProductFactory(name="Kettle", stock=8, low_stock_threshold=10)
    ReportFactory()


def _board(client):
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_front_page_shows_the_day_and_keeps_the_app_list(admin_client, shop_day):
    page = _board(admin_client)
    assert 'id="shop-dashboard"' in page
    today = page.split("<h2>Today</h2>", 1)[1]
    # Revenue today: paid 10 + delivered 30 less its 5 refunded; not the unpaid 20 nor the
    # cancelled 90. Yesterday: the shipped 40.
    assert "35.00 EUR" in today.split("</section>")[0]
    assert "2 orders" in today.split("</section>")[0] and "-12%" in today.split("</section>")[0]
    week = page.split("<h2>Last 7 days</h2>", 1)[1].split("</section>")[0]
    assert "75.00 EUR" in week and "the 7 days before: 50.00 EUR" in week
    to_ship = page.split("<h2>To ship</h2>", 1)[1].split("</section>")[0]
    assert ">2</a>" in to_ship and "status__exact=paid" in to_ship
    unpaid = page.split("<h2>Awaiting payment</h2>", 1)[1].split("</section>")[0]
    assert ">1</a>" in unpaid and "20.00 EUR" in unpaid
    expired = page.split("<h2>Cancelled unpaid, last 7 days</h2>", 1)[1].split("</section>")[0]
    assert ">1</a>" in expired and "90.00 EUR" in expired
    stock = page.split("<h2>Stock</h2>", 1)[1].split("</section>")[0]
    assert "Teapot" in stock and "Cup" in stock and "Kettle" in stock and "Mug" not in stock
    assert "stock_level=out" in stock and "stock_level=low" in stock
    assert "Latest reports" in page
    assert "Everything" in page and "/admin/orders/order/" in page  # the app list stays


def test_the_to_ship_link_lists_paid_orders_oldest_first(admin_client, shop_day):
    # Placed between the two paid ones, written last: no accident of ids puts it in order.
    middle = timezone.localdate() - timedelta(days=4)
    OrderFactory(
        lines=[(ProductFactory(stock=5), 1)], status=OrderStatus.PAID, placed_at=shop_time(middle)
    )
    page = _board(admin_client)
    link = page.split("<h2>To ship</h2>", 1)[1].split('href="', 1)[1].split('"', 1)[0]
    listed = admin_client.get(link.replace("&amp;", "&")).context["cl"].result_list
    placed = [order.created_at for order in listed]
    assert len(placed) == 3 and placed == sorted(placed)
    assert {order.status for order in listed} == {OrderStatus.PAID}


def test_the_figures_cost_a_fixed_number_of_queries(
    admin_client, shop_day, django_assert_max_num_queries
):
    _board(admin_client)  # warm the session and permissions
    with django_assert_max_num_queries(16):
        _board(admin_client)
    for _ in range(20):
        OrderFactory(lines=[(ProductFactory(stock=5), 1)], status=OrderStatus.PAID)
    with django_assert_max_num_queries(16):
        _board(admin_client)


def test_each_panel_only_for_those_who_may_see_its_list(client, shop_day):
    clerk = StaffFactory()
    clerk.groups.add(Group.objects.get(name="Catalog managers"))
    client.force_login(clerk)
    page = _board(client)
    assert "<h2>Stock</h2>" in page
    assert "<h2>Today</h2>" not in page and "To ship" not in page and "Latest reports" not in page

    picker = StaffFactory()
    picker.groups.add(Group.objects.get(name="Order managers"))
    client.force_login(picker)
    page = _board(client)
    assert "<h2>Today</h2>" in page and "To ship" in page and "<h2>Stock</h2>" not in page


def test_the_low_stock_filter_follows_each_products_threshold(admin_client, shop_day):
    response = admin_client.get("/admin/catalog/product/", {"stock_level": "low"})
    names = sorted(p.name for p in response.context["cl"].result_list)
    assert names == ["Cup", "Kettle"]


def test_the_revenue_chart_draws_each_of_the_last_30_days_from_revenue_only(admin_client, shop_day):
    page = _board(admin_client)
    chart = page.split('aria-labelledby="shop-chart-title"', 1)[1].split("</section>", 1)[0]
    today = timezone.localdate()
    assert chart.count("<rect") == 30
    # Today: the paid 10.00 and the delivered 30.00 less its 5.00 refund; never the unpaid
    # or the cancelled order.
    assert f"<title>{today:%Y-%m-%d}: 35.00 EUR</title>" in chart
    assert f"<title>{today - timedelta(days=1):%Y-%m-%d}: 40.00 EUR</title>" in chart
    assert f"<title>{today - timedelta(days=9):%Y-%m-%d}: 50.00 EUR</title>" in chart
    assert f"<title>{today - timedelta(days=2):%Y-%m-%d}: 0.00 EUR</title>" in chart
    assert "125.00 EUR" in chart  # the 30 days' total
    # The highest day's bar is the tallest, and each bar opens that day's orders.
    heights = [float(h) for h in re.findall(r'height="([\d.]+)"', chart)[1:]]
    assert max(heights) == heights[-10] and heights[-3] == 0
    link = f"created_at__gte={today}&amp;created_at__lt={today + timedelta(days=1)}"
    assert link in chart
    assert "<script" not in page.split('id="shop-dashboard"', 1)[1]


def test_best_sellers_of_the_week_count_units_of_revenue_orders(admin_client, shop_day):
    today = timezone.localdate()
    teapot = ProductFactory(name="Big teapot", stock=50)
    OrderFactory(lines=[(teapot, 7)], status=OrderStatus.PAID, placed_at=shop_time(today, 7))
    OrderFactory(lines=[(teapot, 20)], status=OrderStatus.PLACED, placed_at=shop_time(today, 7))
    page = _board(admin_client)
    sellers = page.split("<h2>Best sellers, last 7 days</h2>", 1)[1].split("</section>", 1)[0]
    names = re.findall(r'<a href="[^"]+">([^<]+)</a></td><td class="n">(\d+) sold', sellers)
    # Mug: 1 + 3 today and 4 yesterday (the paid order of nine days ago is out of the week).
    assert names == [("Mug", "8"), ("Big teapot", "7")]
    assert f"/admin/catalog/product/{teapot.pk}/change/" in sellers
