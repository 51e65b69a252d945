"""The admin as an employee uses it, in a real browser against a live server."""

from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from catalog.models import Product
from catalog.services import product_create
from orders.models import Order, OrderStatus
from tests.browser.admin_pages import click_and_wait, log_in
from tests.factories import CategoryFactory, OrderFactory, ProductFactory
from tests.images import image_upload

pytestmark = pytest.mark.django_db(transaction=True)


def test_employee_edits_prices_adjusts_stock_and_hides_a_product(browser, live_server, tmp_path):
    category = CategoryFactory(name="Tea", slug="tea")
    product_create(
        sku="TEA-1",
        name="Sencha",
        slug="sencha",
        category=category,
        price=Decimal("7.50"),
        stock=3,
        image=image_upload(),
    )
    product_create(
        sku="TEA-2", name="Assam", slug="assam", category=category, price=Decimal("6.00")
    )
    log_in(browser, live_server)
    assert "Run the shop" in browser.page_source

    browser.get(f"{live_server.url}/admin/catalog/product/")
    thumbnail = browser.find_element(By.CSS_SELECTOR, "#result_list img")
    assert browser.execute_script("return arguments[0].naturalWidth", thumbnail) > 0
    assert not browser.find_elements(By.CSS_SELECTOR, "input[name$='-stock']")  # no absolutes
    price = browser.find_element(By.CSS_SELECTOR, "input[name$='-price'][value='7.50']")
    price.clear()
    price.send_keys("8.25")
    click_and_wait(browser, browser.find_element(By.NAME, "_save"))
    assert "successfully" in browser.find_element(By.CSS_SELECTOR, ".messagelist").text
    assert str(Product.objects.get(sku="TEA-1").price) == "8.25"

    sencha = Product.objects.get(sku="TEA-1")
    browser.get(f"{live_server.url}/admin/catalog/product/{sencha.pk}/change/")
    browser.find_element(By.NAME, "adjust_by").send_keys("9")
    browser.find_element(By.NAME, "adjust_reason").send_keys("Delivery from supplier")
    click_and_wait(browser, browser.find_element(By.NAME, "_save"))
    assert (
        "Stock adjusted by +9: now 12."
        in browser.find_element(By.CSS_SELECTOR, ".messagelist").text
    )
    assert Product.objects.get(sku="TEA-1").stock == 12

    assam = Product.objects.get(sku="TEA-2")
    browser.find_element(By.CSS_SELECTOR, f"input.action-select[value='{assam.id}']").click()
    Select(browser.find_element(By.NAME, "action")).select_by_value("deactivate")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[name=index]"))
    assert "1 product(s) now hidden." in browser.find_element(By.CSS_SELECTOR, ".messagelist").text
    assert Product.objects.get(sku="TEA-2").is_active is False
    browser.save_screenshot(str(tmp_path / "products.png"))


def test_api_docs_render_in_the_browser(browser, live_server):
    browser.get(f"{live_server.url}/api/docs/")
    operations = browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
    assert "/api/v1/products/" in {op.text.replace("\u200b", "") for op in operations}


def test_cancelling_an_order_asks_first_and_a_no_changes_nothing(browser, live_server):
    mug = ProductFactory(name="Mug", stock=10)
    order = OrderFactory(lines=[(mug, 2)], status=OrderStatus.PAID)
    log_in(browser, live_server)
    browser.get(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    cancel = browser.find_element(By.CSS_SELECTOR, "button[name=_set_status][value=cancelled]")
    ship = browser.find_element(By.CSS_SELECTOR, "button[name=_set_status][value=shipped]")
    # Red, full-size, and unlike "Mark as shipped".
    red = cancel.value_of_css_property("background-color")
    assert red.startswith("rgba(186, 33, 33") or red.startswith("rgb(186, 33, 33"), red
    assert red != ship.value_of_css_property("background-color")
    assert cancel.size["height"] >= 36 and ship.size["height"] >= 36

    cancel.click()
    alert = WebDriverWait(browser, 5).until(expected_conditions.alert_is_present())
    assert order.reference in alert.text and "cannot be undone" in alert.text
    alert.dismiss()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID  # "no" did nothing

    browser.find_element(By.CSS_SELECTOR, "button[name=_set_status][value=cancelled]").click()
    alert = WebDriverWait(browser, 5).until(expected_conditions.alert_is_present())
    alert.accept()
    WebDriverWait(browser, 10).until(
        lambda _: Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    )
