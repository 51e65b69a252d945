"""A generated report, opened in a real browser: it renders on its own, with no scripts."""

from datetime import date
from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By

from orders.models import OrderStatus
from reports.services import report_request
from reports.storage import reports_storage
from tests.factories import OrderFactory, ProductFactory, shop_time

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_orders_report_renders_self_contained(
    browser, live_server, settings, django_capture_on_commit_callbacks
):
    mug = ProductFactory(name="<script>alert(1)</script>", price=Decimal("12.00"))
    # Paid: revenue (the chart's bars) counts paid, shipped and delivered orders only.
    OrderFactory(lines=[(mug, 2)], status=OrderStatus.PAID, placed_at=shop_time(date(2026, 3, 1)))
    OrderFactory(lines=[(mug, 1)], status=OrderStatus.PAID, placed_at=shop_time(date(2026, 3, 3)))
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(
            kinds=["orders"], date_from=date(2026, 3, 1), date_to=date(2026, 3, 3)
        )
    path = reports_storage().path(report.files.get().storage_name)

    browser.get(f"file://{path}")

    assert browser.title == "Orders report"
    assert browser.execute_script("return document.scripts.length") == 0
    bars = browser.find_elements(By.CSS_SELECTOR, "svg rect")
    assert len(bars) == 3
    assert bars[0].size["height"] > bars[2].size["height"] > 0
    assert "<script>alert(1)</script>" in browser.find_element(By.TAG_NAME, "body").text
    resources = browser.execute_script("return performance.getEntriesByType('resource').length")
    assert resources == 0  # nothing fetched: no external CSS, fonts, images or scripts
