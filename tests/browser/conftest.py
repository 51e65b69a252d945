"""A real headless Chromium driven by Selenium, when Chromium and its driver are installed."""

import pytest

from tests.browser.chromium import CHROMEDRIVER, CHROMIUM, chromium_driver


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
    driver = chromium_driver()
    driver.implicitly_wait(5)
    yield driver
    driver.quit()
