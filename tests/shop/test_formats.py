"""One date format (ISO 8601) and one money format (grouped, with the currency) everywhere."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone
from django.utils.formats import date_format

from orders.models import Order, OrderStatus
from shop.money import money_format
from tests.factories import OrderFactory, ProductFactory


def test_dates_are_iso_in_every_format_name():
    moment = datetime(2026, 12, 2, 14, 5)
    assert date_format(moment, "DATE_FORMAT") == "2026-12-02"
    assert date_format(moment, "SHORT_DATE_FORMAT") == "2026-12-02"
    assert date_format(moment, "DATETIME_FORMAT") == "2026-12-02 14:05"
    assert date_format(moment, "SHORT_DATETIME_FORMAT") == "2026-12-02 14:05"


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("16593.25"), "EUR", "16,593.25 EUR"),
        (Decimal("0"), "EUR", "0.00 EUR"),
        (None, "EUR", "0.00 EUR"),
        (Decimal("1234567.5"), "", "1,234,567.50"),
    ],
)
def test_money_is_grouped_with_two_places_and_its_currency(amount, currency, shown):
    assert money_format(amount, currency) == shown


def test_the_money_filter_gives_the_shops_currency_unless_told(settings):
    settings.SHOP_CURRENCY = "NOK"
    template = Template("{% load shop_format %}{{ a|money }} / {{ a|money:'EUR' }}")
    assert template.render(Context({"a": Decimal("2354.9")})) == "2,354.90 NOK / 2,354.90 EUR"


@pytest.fixture
def big_order(db):
    mug = ProductFactory(price=Decimal("1234.50"), stock=10)
    order = OrderFactory(lines=[(mug, 2)], status=OrderStatus.PAID)
    Order.objects.filter(pk=order.pk).update(
        created_at=timezone.make_aware(datetime(2026, 2, 12, 9, 30))
    )
    return Order.objects.get(pk=order.pk)


def test_lists_and_pages_show_the_one_date_and_money_format(admin_client, big_order):
    listed = admin_client.get("/admin/orders/order/").content.decode()
    assert "2,469.00 EUR" in listed and "2026-02-12 09:30" in listed
    assert "02/12/2026" not in listed and "12 Feb 2026" not in listed
    page = admin_client.get(f"/admin/orders/order/{big_order.pk}/change/").content.decode()
    assert page.count("2,469.00 EUR") >= 2  # the status line and the totals
    assert "1,234.50 EUR" in page  # the line's unit price
    assert "2026-02-12 09:30" in page


def test_emails_show_the_one_money_format(db, mailoutbox, django_capture_on_commit_callbacks):
    mug = ProductFactory(price=Decimal("1234.50"), stock=10)
    with django_capture_on_commit_callbacks(execute=True):
        order = OrderFactory(lines=[(mug, 2)], status=OrderStatus.PAID)
    bodies = [m.body for m in mailoutbox if order.reference in m.body]
    assert len(bodies) >= 2  # placed, then paid
    assert all("2,469.00 EUR" in body for body in bodies)
    assert all("2469.00" not in body for body in bodies)
