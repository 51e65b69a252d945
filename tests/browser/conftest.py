"""A real headless Chromium driven by Selenium, when Chromium and its driver are installed."""

import tempfile

import pytest

from tests.browser.chromium import CHROMEDRIVER, CHROMIUM


def pytest_collection_modifyitems(config, items):
    if CHROMIUM and CHROMEDRIVER:
        return
    skip = pytest.mark.skip(reason="Chromium and chromedriver are not installed (see .ci/run)")
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser(django_db_setup, live_server):
    # Set up after the test database and the live server, so torn down before them: the
    # browser's keep-alive connections end, the server stops, then the database is dropped.
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()
