"""Stock changes only by deltas: adjustments with a reason, never a stale absolute number."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from catalog.errors import StockBelowZero
from catalog.models import Product, StockAdjustment
from catalog.services import STOCK_BATCH, product_stock_adjust, products_stock_adjust
from tests.factories import ProductFactory, StaffFactory
from tests.orders.bodies import order_body

pytestmark = pytest.mark.django_db


def _change_form(product, **changes) -> dict:
    data = {
        "name": product.name,
        "slug": product.slug,
        "sku": product.sku,
        "category": product.category_id,
        "description": product.description,
        "price": str(product.price),
        "is_active": "on",
        "stock": "999",  # what an old form would still send: ignored, not a field
    }
    data.update(changes)
    return data


def test_an_adjustment_adds_records_and_says_who(admin_user):
    product = ProductFactory(stock=10)
    adjustment = product_stock_adjust(product=product, delta=20, reason="Delivery", by=admin_user)
    taken = product_stock_adjust(product=product, delta=-3, reason="Damaged", by=admin_user)
    assert Product.objects.get(pk=product.pk).stock == 27
    assert (adjustment.stock_after, taken.stock_after) == (30, 27)
    assert list(product.adjustments.values_list("delta", "reason", "by__username")) == [
        (-3, "Damaged", "admin"),
        (20, "Delivery", "admin"),
    ]


def test_many_products_adjust_at_once_each_recorded(admin_user):
    products = [ProductFactory(stock=10) for _ in range(3)]
    deltas = {products[0].pk: 5, products[1].pk: -4, products[2].pk: -10}
    made = products_stock_adjust(deltas=deltas, reason="Count", by=admin_user)
    stock = dict(Product.objects.values_list("pk", "stock"))
    assert [stock[p.pk] for p in products] == [15, 6, 0]
    assert sorted((a.product_id, a.delta, a.stock_after) for a in made) == sorted(
        [(products[0].pk, 5, 15), (products[1].pk, -4, 6), (products[2].pk, -10, 0)]
    )


def test_many_products_short_of_one_change_none_and_name_it(settings):
    products = [ProductFactory(stock=10) for _ in range(STOCK_BATCH + 3)]
    short = products[-1]  # in the second batch: the first batch's changes are undone too
    Product.objects.filter(pk=short.pk).update(stock=1)
    deltas = {product.pk: -2 for product in products}
    with pytest.raises(StockBelowZero) as refused:
        products_stock_adjust(deltas=deltas, reason="Count")
    assert refused.value.message == f"Only 1 of {short.sku} in stock: cannot take away 2."
    assert refused.value.details == {"product_id": short.pk, "available": 1, "delta": -2}
    assert sorted(set(Product.objects.values_list("stock", flat=True))) == [1, 10]
    assert not StockAdjustment.objects.exists()


@pytest.mark.parametrize(
    ("delta", "reason", "error"),
    [(-11, "Count", StockBelowZero), (0, "Count", ValidationError), (5, " ", ValidationError)],
)
def test_a_bad_adjustment_is_refused_and_changes_nothing(delta, reason, error):
    product = ProductFactory(stock=10)
    with pytest.raises(error):
        product_stock_adjust(product=product, delta=delta, reason=reason)
    assert Product.objects.get(pk=product.pk).stock == 10
    assert not StockAdjustment.objects.exists()


def test_a_stale_product_page_never_writes_its_old_stock_back(admin_client, api_client):
    product = ProductFactory(stock=10, price=Decimal("5.00"))
    url = f"/admin/catalog/product/{product.pk}/change/"
    assert "10" in admin_client.get(url).content.decode()  # the employee sees 10
    sold = api_client.post("/api/v1/orders/", order_body((product.pk, 2)), format="json")
    assert sold.status_code == 201  # a customer buys 2 meanwhile: 8 left

    response = admin_client.post(url, _change_form(product, price="6.00", stock="10"))

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.price, product.stock) == (Decimal("6.00"), 8)


def test_the_product_page_adjusts_by_a_delta_on_top_of_sales(admin_client, api_client):
    product = ProductFactory(stock=10)
    url = f"/admin/catalog/product/{product.pk}/change/"
    admin_client.get(url)
    api_client.post("/api/v1/orders/", order_body((product.pk, 2)), format="json")

    response = admin_client.post(
        url, _change_form(product, adjust_by="20", adjust_reason="Delivery"), follow=True
    )

    assert "Stock adjusted by +20: now 28." in response.content.decode()
    assert Product.objects.get(pk=product.pk).stock == 28
    page = admin_client.get(url).content.decode()
    assert "Delivery" in page and "+20" in page  # the history on the product page


def test_the_product_page_refuses_an_adjustment_without_a_reason(admin_client):
    product = ProductFactory(stock=10)
    url = f"/admin/catalog/product/{product.pk}/change/"
    response = admin_client.post(url, _change_form(product, adjust_by="-3"))
    assert response.status_code == 200
    assert "adjust_reason" in response.context["adminform"].form.errors
    assert Product.objects.get(pk=product.pk).stock == 10


def test_taking_away_more_than_there_is_is_refused_with_a_message(admin_client):
    product = ProductFactory(stock=2)
    url = f"/admin/catalog/product/{product.pk}/change/"
    response = admin_client.post(
        url, _change_form(product, adjust_by="-5", adjust_reason="Count"), follow=True
    )
    page = response.content.decode()
    assert "Stock not adjusted: Only 2 in stock" in page
    assert "changed successfully" not in page  # the error alone, no green message beside it
    assert Product.objects.get(pk=product.pk).stock == 2


@pytest.fixture
def manager(db):
    user = StaffFactory(email="stock@example.com")
    user.groups.add(Group.objects.get(name="Catalog managers"))
    return user


def test_checkouts_crossing_the_threshold_alert_once_per_crossing(
    api_client, manager, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SHOP_LOW_STOCK_THRESHOLD = 5
    product = ProductFactory(stock=8, name="Blue mug")

    def buy(quantity):
        with django_capture_on_commit_callbacks(execute=True):
            body = order_body((product.pk, quantity))
            assert api_client.post("/api/v1/orders/", body, format="json").status_code == 201

    buy(2)  # 6: above
    assert [m for m in mailoutbox if "running out" in m.subject] == []
    buy(1)  # 5: crosses
    buy(1)  # 4: still low, no second alert
    buy(4)  # 0: sold out, same dip
    alerts = [m for m in mailoutbox if "running out" in m.subject]
    assert [m.to for m in alerts] == [["stock@example.com"]]
    assert "Blue mug is running out (5 left)" in alerts[0].subject

    with django_capture_on_commit_callbacks(execute=True):
        product_stock_adjust(product=product, delta=10, reason="Delivery")  # 10: re-armed
        product_stock_adjust(product=product, delta=-6, reason="Damaged")  # 4: a new crossing
    alerts = [m for m in mailoutbox if "running out" in m.subject]
    assert len(alerts) == 2 and "(4 left)" in alerts[1].subject


def test_a_product_threshold_overrides_the_default(
    manager, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SHOP_LOW_STOCK_THRESHOLD = 5
    product = ProductFactory(stock=30, low_stock_threshold=20)
    with django_capture_on_commit_callbacks(execute=True):
        product_stock_adjust(product=product, delta=-10, reason="Count")
    assert len(mailoutbox) == 1


def test_the_daily_digest_lists_low_and_sold_out_products(
    manager, mailoutbox, settings, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    settings.SHOP_LOW_STOCK_THRESHOLD = 5
    ProductFactory(name="Gone", stock=0)
    ProductFactory(name="Few", stock=3)
    ProductFactory(name="Plenty", stock=50)
    ProductFactory(name="Hidden", stock=0, is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("low_stock_digest")

    [digest] = mailoutbox
    assert digest.to == ["stock@example.com"]
    assert "2 product(s) low or sold out" in digest.subject
    assert "Gone" in digest.body and "SOLD OUT" in digest.body and "Few" in digest.body
    assert "Plenty" not in digest.body and "Hidden" not in digest.body


def test_the_product_list_colours_sold_out_and_low_stock(admin_client, settings):
    settings.SHOP_LOW_STOCK_THRESHOLD = 5
    ProductFactory(stock=0)
    ProductFactory(stock=3)
    page = admin_client.get("/admin/catalog/product/").content.decode()
    assert "sold out" in page and "3 low" in page
