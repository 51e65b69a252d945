"""The employees' main pages in Chromium at 1280 pixels, on a shop with demo data: each shows
what it is for, fits without sideways scrolling, and is photographed for the README.

Screenshots go to SHOP_ADMIN_SCREENSHOTS_DIR (build/screenshots/admin by default);
`make screenshots` sends them to docs/screenshots/, where the README shows them.
"""

import io
import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from catalog.demo import seed_catalog
from catalog.models import Product
from catalog.services import product_stock_adjust
from orders.demo import seed_orders
from orders.models import Order, OrderStatus
from payments.demo import seed_payments
from shop.models import User
from tests.browser.admin_pages import click_and_wait, log_in

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("SHOP_ADMIN_SCREENSHOTS_DIR", ROOT / "build" / "screenshots" / "admin"))
WIDTH, HEIGHT = 1280, 800
# Taller than the window for the long pages: the whole of what an employee scrolls through.
TALLEST = 2000

pytestmark = pytest.mark.django_db(transaction=True)

FITS = """
return [document.documentElement.scrollWidth, document.documentElement.clientWidth,
        document.documentElement.scrollHeight];
"""


def _shoot(browser, name: str) -> None:
    """Check the page fits the width; photograph it, as tall as it is (up to TALLEST)."""
    width, window, height = browser.execute_script(FITS)
    assert width <= window + 1, (name, width, window)
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.set_window_size(WIDTH, min(max(HEIGHT, height + 140), TALLEST))
    try:
        browser.save_screenshot(str(SHOTS / f"{name}.png"))
    finally:
        browser.set_window_size(WIDTH, HEIGHT)


def test_the_main_pages_show_their_work_and_are_photographed(browser, live_server, tmp_path):
    seed_catalog()
    seed_orders(count=400)
    seed_payments()
    browser.set_window_size(WIDTH, HEIGHT)
    try:
        log_in(browser, live_server)
        url = live_server.url

        browser.get(f"{url}/admin/")
        assert browser.find_element(By.CSS_SELECTOR, "#shop-dashboard svg rect")
        _shoot(browser, "dashboard")

        browser.get(f"{url}/admin/catalog/product/")
        assert len(browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")) > 10
        _shoot(browser, "product-list")

        product = Product.objects.filter(is_active=True).order_by("pk").first()
        product_stock_adjust(product=product, delta=24, reason="Delivery from the roaster")
        product_stock_adjust(product=product, delta=-2, reason="Damaged in the warehouse")
        browser.get(f"{url}/admin/catalog/product/{product.pk}/change/")
        assert "Delivery from the roaster" in browser.page_source
        _shoot(browser, "product-page")

        order = Order.objects.filter(status=OrderStatus.PAID).order_by("-created_at").first()
        browser.get(f"{url}/admin/orders/order/{order.pk}/change/")
        assert browser.find_element(By.CSS_SELECTOR, "button.shop-status")
        assert "Packing slip" in browser.page_source
        _shoot(browser, "order-page")

        browser.get(f"{url}/admin/orders/order/packing-slips/?ids={order.pk}")
        assert order.reference in browser.page_source
        _shoot(browser, "packing-slip")

        # The import's preview of a file exported from the list, edited.
        rows = io.StringIO()
        rows.write("sku,price,stock\n")
        for n, item in enumerate(Product.objects.order_by("pk")[:6]):
            rows.write(f"{item.sku},{item.price + 1},{item.stock + 10 + n}\n")
        rows.write("NEW-MUG-1,,5\n")  # a bad row: a new product needs its name, price...
        browser.get(f"{url}/admin/catalog/product/import/")
        upload = tmp_path / "products.csv"
        upload.write_text(rows.getvalue())
        browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(upload))
        select = browser.find_element(By.NAME, "format")
        select.find_element(By.CSS_SELECTOR, "option[value='0']").click()
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "input[type=submit]"))
        assert browser.find_element(By.ID, "import-bad-rows")
        assert browser.find_element(By.ID, "import-changes")
        _shoot(browser, "import-preview")

        browser.get(f"{url}/admin/reports/report/add/")
        assert browser.find_element(By.ID, "report-request")
        _shoot(browser, "report-request")

        customer = order.user or User.objects.filter(cognito_sub__isnull=False).first()
        browser.get(f"{url}/admin/shop/customer/{customer.pk}/change/")
        assert browser.find_element(By.ID, "customer-data")
        assert browser.find_element(By.ID, "customer-erase")
        _shoot(browser, "customer-page")
    finally:
        browser.set_window_size(1400, 1000)
