"""Driving the admin in the browser: signing in, and clicks that load a new page."""

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.factories import SuperuserFactory


def click_and_wait(browser, element):
    """Click something that loads a new page, and wait until the new page replaced the old."""
    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    # Asked while the page is being replaced, Chromium can answer with an inspector error
    # instead of "stale": that is "not yet", so the wait asks again.
    WebDriverWait(browser, 15, ignored_exceptions=[WebDriverException]).until(
        expected_conditions.staleness_of(page)
    )


def log_in(browser, live_server):
    """Sign in to the admin as a new superuser."""
    SuperuserFactory(username="boss", password="correct horse battery")
    browser.get(f"{live_server.url}/admin/login/")
    browser.find_element(By.NAME, "username").send_keys("boss")
    browser.find_element(By.NAME, "password").send_keys("correct horse battery")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "input[type=submit]"))
