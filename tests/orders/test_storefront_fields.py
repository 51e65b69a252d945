"""What a storefront draws without extra requests: slugs, thumbnails, tracking, stock flags."""

import pytest

from catalog.models import Product
from orders.models import Order, OrderStatus
from tests.factories import ProductFactory, ProductWithImageFactory, SuperuserFactory
from tests.orders.bodies import order_body

pytestmark = pytest.mark.django_db


def test_order_lines_carry_slug_and_thumbnail(api_client):
    product = ProductWithImageFactory(stock=4)
    placed = api_client.post("/api/v1/orders/", order_body((product.pk, 1)), format="json")
    assert placed.status_code == 201
    line = placed.json()["lines"][0]
    assert line["slug"] == product.slug
    assert line["thumbnail"] == f"http://testserver{product.thumbnail.url}"
    assert placed.json()["tracking_number"] is None


def test_the_tracking_number_reaches_the_customer_but_the_internal_note_never(api_client, client):
    product = ProductFactory(stock=4)
    placed = api_client.post("/api/v1/orders/", order_body((product.pk, 1)), format="json").json()
    client.force_login(SuperuserFactory())

    pk = Order.objects.get(reference=placed["reference"]).pk
    url = f"/admin/orders/order/{pk}/change/"
    client.post(
        url,
        {
            "_set_status": "paid",
            "_note": "checked by phone",
            "_payment_method": "cash",
            "_payment_reference": "till 3",
            "_confirm_paid": "1",
        },
    )
    page = client.get(url).content.decode()
    assert 'name="_tracking_number"' in page
    client.post(url, {"_set_status": "shipped", "_tracking_number": " PN123456789NO "})

    read = api_client.get(
        f"/api/v1/orders/{placed['reference']}/", HTTP_X_ORDER_TOKEN=placed["access_token"]
    ).json()
    assert read["status"] == OrderStatus.SHIPPED
    assert read["tracking_number"] == "PN123456789NO"
    assert [entry["status"] for entry in read["status_history"]] == ["placed", "paid", "shipped"]
    assert "checked by phone" not in str(read)


def test_a_product_is_found_by_id_as_well_as_by_slug(api_client):
    product = ProductFactory(slug="green-tea")
    by_id = api_client.get(f"/api/v1/products/{product.pk}/")
    by_slug = api_client.get("/api/v1/products/green-tea/")
    assert by_id.status_code == by_slug.status_code == 200
    assert by_id.json() == by_slug.json()
    hidden = ProductFactory(is_active=False)
    assert api_client.get(f"/api/v1/products/{hidden.pk}/").status_code == 404


def test_an_all_digit_slug_is_refused_because_it_would_read_as_an_id():
    product = ProductFactory.build(slug="12345")
    with pytest.raises(Exception, match="slug needs a letter"):
        product.full_clean(exclude=["category"])


def test_exact_stock_counts_can_be_hidden(api_client, settings):
    ProductFactory(slug="few", stock=2)
    ProductFactory(slug="many", stock=80)
    ProductFactory(slug="none", stock=0)
    settings.SHOP_PUBLIC_STOCK_COUNTS = False
    results = {p["slug"]: p for p in api_client.get("/api/v1/products/").json()["results"]}
    assert {slug: p["stock"] for slug, p in results.items()} == dict.fromkeys(results)
    assert (results["few"]["in_stock"], results["few"]["low_stock"]) == (True, True)
    assert (results["many"]["in_stock"], results["many"]["low_stock"]) == (True, False)
    assert (results["none"]["in_stock"], results["none"]["low_stock"]) == (False, False)
    assert Product.objects.get(slug="few").stock == 2
