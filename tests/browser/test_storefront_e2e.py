"""The storefront as customers use it: its build in headless Chromium, on an origin of its own,
against the real Django (live server), signing in through the Hosted UI stand-in with PKCE.

The API is reached through a small forwarding proxy, so that a test can lose an answer on its
way back (the checkout's retry). Every page visited is checked by axe-core (no serious or
critical violation), for horizontal overflow, and for console errors; screenshots at a phone's
and two desks' widths go to SHOP_SCREENSHOTS_DIR (build/screenshots/storefront by default).
"""

import http.client
import json
import os
import re
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from orders.models import Order, OrderStatus
from payments.models import Payment, PaymentStatus
from shop import local_cognito
from tests.browser.chromium import chromium_driver
from tests.factories import CategoryFactory, ProductFactory

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "storefront" / "dist"
AXE = ROOT / "storefront" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(os.environ.get("SHOP_SCREENSHOTS_DIR", ROOT / "build" / "screenshots" / "storefront"))
SIZES = {"phone": (375, 812), "desk": (1280, 800), "wide": (1440, 900)}

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (DIST / "index.html").exists() or not AXE.exists(),
        reason="the storefront is not built (make test builds it when Node.js 20+ is here)",
    ),
]


class Proxy:
    """Forwards every request to the live server; can drop the answer of the next checkout."""

    def __init__(self, target: str):
        self.target = urlsplit(target)
        self.lose_next_order = False
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            # One request a connection: Chrome silently sends a request again when a reused
            # keep-alive connection closes without an answer, and the test wants it lost.
            protocol_version = "HTTP/1.0"

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                upstream = http.client.HTTPConnection(proxy.target.hostname, proxy.target.port)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                content = answer.read()
                if (
                    self.command == "POST"
                    and self.path == "/api/v1/orders/"
                    and proxy.lose_next_order
                ):
                    # The order is placed; its answer never reaches the browser.
                    proxy.lose_next_order = False
                    self.close_connection = True
                    self.connection.close()
                    return
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("connection", "transfer-encoding", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _forward

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def _static_server(config: dict) -> tuple[ThreadingHTTPServer, str]:
    """The built storefront on its own origin, as CloudFront would serve it."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            path = self.path.split("?")[0]
            if path == "/config.json":
                content, kind = json.dumps(config).encode(), "application/json"
            else:
                wanted = (DIST / path.lstrip("/")).resolve()
                if not (wanted.is_file() and wanted.is_relative_to(DIST)):
                    wanted = DIST / "index.html"  # the SPA's own routes
                content = wanted.read_bytes()
                kind = {
                    ".js": "text/javascript",
                    ".css": "text/css",
                    ".svg": "image/svg+xml",
                }.get(wanted.suffix, "text/html; charset=utf-8")
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def shop(live_server, settings, tmp_path):
    proxy = Proxy(live_server.url)
    issuer = f"{proxy.url}/local-cognito/local-pool"
    config = {
        "apiBaseUrl": proxy.url,
        "shopName": "The Test Shop",
        "currency": "EUR",
        "locale": "en-GB",
        "auth": {"authority": issuer, "clientId": "local-spa-client", "domain": issuer},
        "payments": {"provider": "local", "publishableKey": ""},
    }
    server, origin = _static_server(config)
    settings.CORS_ALLOWED_ORIGINS = [origin]
    settings.COGNITO_ISSUER = issuer
    settings.COGNITO_JWKS_URL = ""
    settings.COGNITO_AUDIENCE = "local-spa-client"
    settings.COGNITO_LOCAL_KEY_FILE = tmp_path / "key.pem"
    settings.PAYMENTS_PROVIDER = "local"
    settings.SHOP_STOREFRONT_URL = origin
    local_cognito._private_key.cache_clear()
    coffee = CategoryFactory(name="Coffee", slug="coffee")
    tea = CategoryFactory(name="Tea", slug="tea")
    products = {
        "kenya": ProductFactory(
            name="Kenya AA", slug="kenya-aa", category=coffee, price=Decimal("12.50"), stock=8
        ),
        "brazil": ProductFactory(
            name="Brazil Cerrado",
            slug="brazil-cerrado",
            category=coffee,
            price=Decimal("9.90"),
            stock=5,
        ),
        "sencha": ProductFactory(
            name="Sencha", slug="sencha", category=tea, price=Decimal("7.00"), stock=3
        ),
    }
    yield {"origin": origin, "proxy": proxy, "products": products}
    server.shutdown()
    proxy.server.shutdown()
    local_cognito._private_key.cache_clear()


@pytest.fixture
def chrome():
    driver = chromium_driver(console_log=True)
    driver.set_window_size(*SIZES["desk"])
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


class Customer:
    """A person at the storefront: finds things by what the page shows, checks each page."""

    def __init__(self, driver, origin: str):
        self.driver = driver
        self.origin = origin
        self.wait = WebDriverWait(driver, 20)
        self.errors: list[str] = []

    def visit(self, path: str):
        self.driver.get(self.origin + path)

    def see(self, css: str, text: str = ""):
        def found(driver):
            for element in driver.find_elements(By.CSS_SELECTOR, css):
                if text in element.text:
                    return element
            return False

        return self.wait.until(found, f"{css} with {text!r} on {self.driver.current_url}")

    def button(self, text: str):
        return self.see("button, a.button", text)

    def type(self, field_id: str, text: str):
        field = self.see(f"#{field_id}")
        field.clear()
        field.send_keys(text)

    def guest_details(self, name: str, email: str, street: str):
        for field, text in (
            ("name", name),
            ("email", email),
            ("ship-line1", street),
            ("ship-postal", "0150"),
            ("ship-city", "Oslo"),
        ):
            self.type(field, text)

    def check_page(self, name: str = "", *, console_ok: re.Pattern | None = None):
        """axe-core, overflow and the console on this page; screenshots at three widths."""
        self.driver.execute_script(AXE.read_text())
        found = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map("
            "v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))));"
        )
        serious = [v for v in found if v["impact"] in ("serious", "critical")]
        assert serious == [], f"axe on {self.driver.current_url}: {serious}"
        for entry in self.driver.get_log("browser"):
            if entry["level"] == "SEVERE" and not (
                console_ok and console_ok.search(entry["message"])
            ):
                self.errors.append(entry["message"])
        assert self.errors == [], f"console errors on {self.driver.current_url}: {self.errors}"
        if name:
            SHOTS.mkdir(parents=True, exist_ok=True)
            for size, (width, height) in SIZES.items():
                self.driver.set_window_size(width, height)
                overflow = self.driver.execute_script(
                    "return document.documentElement.scrollWidth - window.innerWidth"
                )
                assert overflow <= 0, f"{name} overflows by {overflow} px at {width} px"
                self.driver.save_screenshot(str(SHOTS / f"{name}-{size}.png"))
            self.driver.set_window_size(*SIZES["desk"])


def test_a_customer_signs_in_checks_out_from_the_address_book_pays_and_cancels(shop, chrome):
    me = Customer(chrome, shop["origin"])
    me.visit("/")
    me.see(".card", "Kenya AA")
    me.check_page("catalog")
    # Search, then a category, then back: the URL holds the state.
    me.type("site-search", "sencha")
    me.see("#site-search").send_keys(Keys.ENTER)
    me.see("h1", "sencha")
    me.see(".card", "Sencha")
    assert "search=sencha" in chrome.current_url
    me.visit("/?category=coffee&ordering=price")
    me.see("h1", "Coffee")
    names = [e.text for e in chrome.find_elements(By.CSS_SELECTOR, ".card-name")]
    assert names == ["Brazil Cerrado", "Kenya AA"]
    # A guest's cart, kept in the browser.
    me.visit("/products/kenya-aa")
    me.see("h1", "Kenya AA")
    me.check_page("product")
    me.button("Add to cart").click()
    me.see(".note", "added to your cart")
    me.see(".badge", "1")
    # Sign in through the Hosted UI stand-in (PKCE); the guest's cart merges into the account's.
    me.button("Sign in").click()
    me.wait.until(lambda d: "/oauth2/authorize" in d.current_url)
    me.type("email", "ann@example.com")
    me.type("name", "Ann Smith")
    me.button("Sign in").click()
    me.see(".nav a", "Ann")
    me.see(".badge", "1")
    # An address for the book, from the account page.
    me.visit("/account")
    me.see("h1", "Your account")
    me.button("Add an address").click()
    me.type("book-line1", "Storgata 1")
    me.type("book-postal", "0155")
    me.type("book-city", "Oslo")
    me.button("Save address").click()
    me.see(".address-list", "Storgata 1")
    me.check_page("account")
    me.visit("/cart")
    me.see(".line", "Kenya AA")
    me.check_page("cart")
    me.button("Check out").click()
    me.see(".address-choices", "Storgata 1")
    me.check_page("checkout")
    me.button("Place order").click()
    me.see(".confirmation", "Thank you")
    me.button("Pay now").click()
    me.see(".status-paid", "Paid")
    me.check_page("order")
    order = Order.objects.get()
    assert (order.status, order.email, order.shipping_line1) == (
        OrderStatus.PAID,
        "ann@example.com",
        "Storgata 1",
    )
    me.see(".badge", "0")  # the server's cart was checked out
    # Cancel it: refunded.
    me.button("Cancel this order").click()
    me.button("Yes, cancel it").click()
    me.see(".status-cancelled", "Cancelled")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert Payment.objects.get(order=order).status == PaymentStatus.REFUNDED
    me.check_page()
    # Sign out, as at Cognito: through the Hosted UI's logout, back to the storefront.
    me.visit("/account")
    me.button("Sign out").click()
    me.wait.until(lambda d: d.current_url.rstrip("/") == shop["origin"])
    me.button("Sign in")
    stored = "return Object.keys(localStorage).filter(k => k.startsWith('oidc.'))"
    assert chrome.execute_script(stored) == []


def test_a_guest_checks_out_pays_and_opens_the_order_from_the_emails_link(shop, chrome):
    me = Customer(chrome, shop["origin"])
    me.visit("/cart")
    me.see(".state-empty", "Your cart is empty")
    me.check_page("cart-empty")
    me.visit("/no/such/page")
    me.see("h1", "Page not found")
    me.check_page()
    me.visit("/products/sencha")
    me.button("Add to cart").click()
    me.visit("/checkout")
    me.guest_details("Gus Guest", "gus@example.com", "Main Street 1")
    me.button("Place order").click()
    me.see(".confirmation", "gus@example.com")
    me.check_page("confirmation")
    me.button("Decline").click()
    me.see(".local-payment", "declined")
    me.button("Pay now").click()
    me.see(".status-paid", "Paid")
    order = Order.objects.get()
    assert order.status == OrderStatus.PAID and order.user is None
    # Another browser, nothing stored: the email's link opens the order.
    [confirmation] = [
        m for m in mail.outbox if order.reference in m.subject and m.to == ["gus@example.com"]
    ][:1]
    link = re.search(
        rf"{re.escape(shop['origin'])}/orders/{order.reference}\?token=[^\s\"<]+", confirmation.body
    )
    assert link, confirmation.body
    chrome.execute_script("localStorage.clear(); sessionStorage.clear();")
    chrome.get(link.group(0))
    me.see("h1", order.reference)
    me.see(".status-paid", "Paid")
    # Without the link or the stored token, the order does not open.
    chrome.execute_script("localStorage.clear();")
    me.visit(f"/orders/{order.reference}")
    me.see(".state-error", "could not find")


def test_a_checkout_whose_answer_is_lost_and_retried_places_one_order(shop, chrome):
    me = Customer(chrome, shop["origin"])
    me.visit("/products/brazil-cerrado")
    me.button("Add to cart").click()
    me.visit("/checkout")
    me.guest_details("Rita Retry", "rita@example.com", "Main Street 2")
    shop["proxy"].lose_next_order = True
    me.button("Place order").click()
    me.see(".state-error", "may have gone through")
    assert Order.objects.count() == 1  # placed; the browser never heard
    me.button("Try placing it again").click()
    me.see(".confirmation", "Thank you")
    assert Order.objects.count() == 1
    me.check_page(console_ok=re.compile(r"ERR_EMPTY_RESPONSE|Failed to fetch|/api/v1/orders/"))


def test_stock_conflicts_are_shown_per_line_and_nothing_is_ordered(shop, chrome):
    me = Customer(chrome, shop["origin"])
    me.visit("/products/sencha")
    me.see("h1", "Sencha")
    quantity = me.see(".buy input")
    quantity.send_keys(Keys.BACKSPACE, "3")
    me.button("Add to cart").click()
    me.see(".note", "3 added")
    shop["products"]["sencha"].__class__.objects.filter(slug="sencha").update(stock=1)
    me.visit("/checkout")
    me.guest_details("Sam Short", "sam@example.com", "Main Street 3")
    me.button("Place order").click()
    me.see(".line-problem", "Only 1 left")
    assert not Order.objects.exists()
    me.check_page(console_ok=re.compile(r"/api/v1/orders/ .* 409"))


def _tab_through(chrome, presses: int) -> set[str]:
    reached = set()
    chrome.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    for _ in range(presses):
        active = chrome.switch_to.active_element
        if active.tag_name in ("input", "select", "textarea"):
            name = active.get_attribute("id")
        else:
            name = active.text or active.get_attribute("aria-label")
        reached.add((name or "").strip().split("\n")[0])
        active.send_keys(Keys.TAB)
    return reached


def test_the_checkout_is_filled_in_and_placed_by_keyboard_alone(shop, chrome):
    me = Customer(chrome, shop["origin"])
    me.visit("/products/kenya-aa")
    me.button("Add to cart").click()
    me.visit("/checkout")
    me.see("#name")
    reached = _tab_through(chrome, 30)
    fields = {"name", "email", "phone", "ship-line1", "ship-line2", "ship-postal", "ship-city"}
    assert fields | {"ship-country", "Place order"} <= reached


def test_every_control_of_the_catalog_is_reached_by_keyboard(shop, chrome):
    me = Customer(chrome, shop["origin"])
    me.visit("/")
    me.see(".card", "Kenya AA")
    reached = _tab_through(chrome, 40)
    assert {"Skip to content", "Sign in", "site-search", "Search"} <= reached
    assert any(label.startswith("Add to cart") for label in reached)
    assert any(label.startswith("Cart") for label in reached)
