"""The employees' lists fit the screens they use: 1280x800 and 1440x900, no sideways scroll."""

from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By

from catalog.models import Product
from catalog.services import product_create
from orders.models import Order, OrderStatus
from reports.models import Report, ReportStatus
from shop.models import User
from tests.browser.admin_pages import log_in
from tests.factories import (
    CategoryFactory,
    OrderFactory,
    ProductFactory,
    ReportFactory,
    StaffFactory,
)
from tests.images import image_upload

pytestmark = pytest.mark.django_db(transaction=True)

LISTS = [
    "/admin/catalog/product/",
    "/admin/orders/order/",
    "/admin/reports/report/",
    "/admin/shop/user/",
    "/admin/shop/customer/",
]
# The pages beyond the lists, each as a path built from the busy shop's rows.
PAGES = [
    "/admin/catalog/product/import/",
    "/admin/catalog/product/{product}/change/",
    "/admin/orders/order/{order}/change/",
    "/admin/shop/customer/{customer}/change/",
    "/admin/shop/customer/{customer}/erase/",
    "/admin/reports/report/add/",
    "/admin/reports/report/{report}/change/",
]
MEASURE = """
const table = document.querySelector('#result_list');
const box = document.querySelector('#changelist .results');
return {
  table: table ? table.getBoundingClientRect().width : null,
  box: box ? box.clientWidth : null,
  page: document.documentElement.scrollWidth,
  window: document.documentElement.clientWidth,
};
"""


WIDTHS = "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def _a_busy_shop():
    """Long names, long addresses, long errors: what makes columns wide."""
    category = CategoryFactory(name="Speciality coffee and tea from small farms")
    product_create(
        sku="COF-ETHIOPIA-YIRGACHEFFE-001",
        name="Ethiopia Yirgacheffe Kochere washed heirloom, light roast, 1 kg bag",
        slug="ethiopia",
        category=category,
        price=Decimal("1234.50"),
        stock=3,
        image=image_upload(),
    )
    mug = ProductFactory(name="Mug", stock=500)
    customer = User.objects.create(
        username="cognito-5f0c6f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
        cognito_sub="5f0c6f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
        first_name="Maximiliana Josefina",
        last_name="Vandenberghe-Oosterhuis",
        email="maximiliana.vandenberghe-oosterhuis@a-very-long-domain-name.example",
    )
    for status in OrderStatus.values:
        OrderFactory(
            lines=[(mug, 12)],
            status=status,
            customer_name="Maximiliana Josefina Vandenberghe-Oosterhuis",
            email="maximiliana.vandenberghe-oosterhuis@a-very-long-domain-name.example",
            user=customer,
        )
    report = ReportFactory(extra_recipients=["controller@example.com"])
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.FAILED,
        error="OperationalError: " + "the database server closed the connection " * 10,
    )
    StaffFactory(
        username="a.very.long.staff.username.for.testing",
        first_name="Bartholomew",
        last_name="Featherstonehaugh-Cholmondeley",
        email="bartholomew.featherstonehaugh@example.com",
    )


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1440, 900)])
def test_every_list_fits_without_sideways_scrolling(browser, live_server, width, height):
    _a_busy_shop()
    browser.set_window_size(width, height)
    try:
        log_in(browser, live_server)

        measured = {}
        for path in LISTS:
            browser.get(f"{live_server.url}{path}")
            measured[path] = browser.execute_script(MEASURE)
            assert measured[path]["table"], (path, "no rows listed")
        overflowing = {
            path: m
            for path, m in measured.items()
            if m["table"] > m["box"] + 1 or m["page"] > m["window"] + 1
        }
        assert overflowing == {}, overflowing

        browser.get(f"{live_server.url}/admin/")
        front = browser.execute_script(WIDTHS)
        assert front[0] <= front[1] + 1
        assert browser.find_element(By.ID, "shop-dashboard").is_displayed()

        rows = {
            "product": Product.objects.order_by("pk").first().pk,
            "order": Order.objects.filter(status=OrderStatus.PAID).first().pk,
            "customer": User.objects.filter(cognito_sub__isnull=False).first().pk,
            "report": Report.objects.first().pk,
        }
        wide = {}
        for page in PAGES:
            path = page.format(**rows)
            browser.get(f"{live_server.url}{path}")
            assert "Server Error" not in browser.title, path
            scroll, window = browser.execute_script(WIDTHS)
            if scroll > window + 1:
                wide[path] = (scroll, window)
        assert wide == {}, wide
    finally:
        browser.set_window_size(1400, 1000)
