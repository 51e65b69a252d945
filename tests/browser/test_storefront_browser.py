"""A storefront page on another origin drives the API in Chromium: what curl cannot see (CORS)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from orders.models import Order
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The SPA's checkout: an idempotent order, its retry (the network-timeout case), then the
# guest's lookup with X-Order-Token; it records what JavaScript could read of each answer.
PAGE = """<!doctype html><meta charset="utf-8"><title>Storefront</title>
<pre id="result">running</pre>
<script>
const api = %(api)s, productId = %(product)s;
const key = crypto.randomUUID();
const body = JSON.stringify({
  customer: {name: "Ann Browser", email: "ann@example.com"},
  shipping_address: {line1: "Main Street 1", city: "Oslo", postal_code: "0150", country: "NO"},
  items: [{product_id: productId, quantity: 2}],
});
async function place() {
  const response = await fetch(api + "/api/v1/orders/", {
    method: "POST", body,
    headers: {"Content-Type": "application/json", "Idempotency-Key": key},
  });
  return {status: response.status, location: response.headers.get("Location"),
          replayed: response.headers.get("Idempotent-Replayed"), body: await response.json()};
}
(async () => {
  try {
    const first = await place(), again = await place();
    const read = await fetch(api + "/api/v1/orders/" + first.body.reference + "/", {
      headers: {"X-Order-Token": first.body.access_token},
    });
    const order = await read.json();
    document.getElementById("result").textContent = JSON.stringify({
      first: [first.status, first.location, first.replayed],
      again: [again.status, again.location, again.replayed],
      same: first.body.reference === again.body.reference,
      token: first.body.access_token === again.body.access_token,
      read: [read.status, order.reference, order.lines[0].slug],
    });
  } catch (error) {
    document.getElementById("result").textContent = JSON.stringify({error: String(error)});
  }
})();
</script>"""


@pytest.fixture
def storefront():
    """Serve pages from another origin (127.0.0.1 on its own port); return its base URL."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            content = pages.get(self.path, "").encode()
            self.send_response(200 if content else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", pages
    server.shutdown()


def _run_page(browser, storefront, live_server, product) -> dict:
    origin, pages = storefront
    pages["/checkout.html"] = PAGE % {"api": json.dumps(live_server.url), "product": product.pk}
    browser.get(f"{origin}/checkout.html")
    WebDriverWait(browser, 15).until(
        lambda b: b.find_element(By.ID, "result").text not in ("", "running")
    )
    return json.loads(browser.find_element(By.ID, "result").text)


def test_the_spa_checks_out_idempotently_and_reads_its_order(
    browser, storefront, live_server, settings
):
    settings.CORS_ALLOWED_ORIGINS = [storefront[0]]
    product = ProductFactory(slug="blue-mug", stock=5)

    result = _run_page(browser, storefront, live_server, product)

    assert "error" not in result, result
    reference = Order.objects.get().reference
    location = f"/api/v1/orders/{reference}/"
    assert result["first"] == [201, location, None]
    assert result["again"] == [201, location, "true"]
    assert result["same"] and result["token"]
    assert result["read"] == [200, reference, "blue-mug"]
    product.refresh_from_db()
    assert product.stock == 3 and Order.objects.count() == 1


def test_an_origin_that_is_not_allowed_cannot_call_the_api(
    browser, storefront, live_server, settings
):
    settings.CORS_ALLOWED_ORIGINS = ["https://storefront.example.com"]
    product = ProductFactory(stock=5)

    result = _run_page(browser, storefront, live_server, product)

    assert "Failed to fetch" in result.get("error", ""), result
    assert not Order.objects.exists()
