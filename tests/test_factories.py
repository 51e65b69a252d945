"""The shared factories make their objects through the services, as the shop does."""

from datetime import date

import pytest

from catalog.models import Product
from orders.models import OrderStatus
from reports.models import ReportStatus
from tests.factories import (
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    ProductWithImageFactory,
    ReportFactory,
    shop_time,
)

pytestmark = pytest.mark.django_db


def test_product_with_image_has_its_thumbnail():
    product = ProductWithImageFactory()
    assert product.image.name.endswith(".png")
    assert product.thumbnail.name.endswith(".jpg")
    assert product.image.storage.exists(product.thumbnail.name)


@pytest.mark.parametrize("status", list(OrderStatus.values))
def test_order_reaches_its_status_through_the_rules(status):
    product = ProductFactory(stock=3)
    order = OrderFactory(lines=[(product, 2)], status=status, placed_at=shop_time(date(2026, 1, 5)))

    history = [change.to_status for change in order.status_changes.all()]
    assert history[0] == OrderStatus.PLACED and history[-1] == status == order.status
    assert order.created_at == shop_time(date(2026, 1, 5))
    assert order.total == product.price * 2
    # Received first, then taken: a cancelled order gave its units back.
    expected = 5 if status == OrderStatus.CANCELLED else 3
    assert Product.objects.get(pk=product.pk).stock == expected


def test_order_line_belongs_to_a_placed_order():
    line = OrderLineFactory(quantity=4)
    assert line.quantity == 4 and line.order.lines.count() == 1
    assert line.line_total == line.unit_price * 4


def test_report_is_queued_by_the_service():
    report = ReportFactory()
    assert report.status == ReportStatus.QUEUED
    assert sorted(report.kinds) == ["orders", "products"]
