from decimal import Decimal

import pytest

from catalog.models import Product
from tests.factories import CategoryFactory, ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/product/"


def _listed(response) -> list[str]:
    return sorted(p.sku for p in response.context["cl"].result_list)


def test_product_pages_render(admin_client):
    product = ProductFactory(name="Kettle")
    for url in (CHANGELIST, f"{CHANGELIST}add/", f"{CHANGELIST}{product.id}/change/"):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    assert b"Kettle" in admin_client.get(CHANGELIST).content


@pytest.mark.parametrize(
    ("level", "expected"), [("out", ["EMPTY"]), ("low", ["FEW", "FIVE"]), ("in", ["MANY"])]
)
def test_stock_level_filter(admin_client, settings, level, expected):
    settings.SHOP_LOW_STOCK_THRESHOLD = 5
    for sku, stock in [("EMPTY", 0), ("FEW", 1), ("FIVE", 5), ("MANY", 6)]:
        ProductFactory(sku=sku, stock=stock)
    assert _listed(admin_client.get(CHANGELIST, {"stock_level": level})) == sorted(expected)


def test_filters_by_category_and_active(admin_client):
    tea = CategoryFactory(slug="tea")
    ProductFactory(sku="TEA", category=tea)
    ProductFactory(sku="OFF", category=tea, is_active=False)
    ProductFactory(sku="OTHER")

    assert _listed(admin_client.get(CHANGELIST, {"category__id__exact": tea.id})) == ["OFF", "TEA"]
    assert _listed(admin_client.get(CHANGELIST, {"is_active__exact": "0"})) == ["OFF"]


def test_search_by_name_and_sku(admin_client):
    ProductFactory(sku="ABC-123", name="Teapot")
    ProductFactory(sku="XYZ-999", name="Mug")
    assert _listed(admin_client.get(CHANGELIST, {"q": "teapot"})) == ["ABC-123"]
    assert _listed(admin_client.get(CHANGELIST, {"q": "xyz-9"})) == ["XYZ-999"]


def _list_edit_payload(products, **changes) -> dict:
    data = {
        "form-TOTAL_FORMS": str(len(products)),
        "form-INITIAL_FORMS": str(len(products)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for i, product in enumerate(products):
        data[f"form-{i}-id"] = str(product.id)
        data[f"form-{i}-price"] = str(product.price)
        data[f"form-{i}-stock"] = str(product.stock)
        if product.is_active:
            data[f"form-{i}-is_active"] = "on"
    data.update(changes)
    return data


def test_list_edits_save_price_and_active_and_never_stock(admin_client):
    first, second = ProductFactory(name="A", stock=10), ProductFactory(name="B")
    # The page was loaded with stock 10; a customer buys 2 before the employee saves.
    payload = _list_edit_payload(
        [first, second], **{"form-0-price": "19.99", "form-0-stock": "10", "form-1-is_active": ""}
    )
    del payload["form-1-is_active"]
    Product.objects.filter(pk=first.pk).update(stock=8)

    response = admin_client.post(CHANGELIST, payload)

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.price, first.stock, first.is_active) == (Decimal("19.99"), 8, True)
    assert second.is_active is False


def test_list_edit_refuses_a_bad_price_and_saves_nothing(admin_client):
    first, second = ProductFactory(name="A", stock=4), ProductFactory(name="B", stock=4)
    payload = _list_edit_payload([first, second], **{"form-0-price": "-2", "form-1-price": "1.00"})

    response = admin_client.post(CHANGELIST, payload)

    assert response.status_code == 200
    assert response.context["cl"].formset.errors[0]["price"]
    assert list(Product.objects.order_by("name").values_list("stock", "price")) == [
        (4, Decimal("10.00")),
        (4, Decimal("10.00")),
    ]


@pytest.mark.parametrize(
    ("action", "start", "end"), [("activate", False, True), ("deactivate", True, False)]
)
def test_bulk_actions(admin_client, action, start, end):
    chosen = ProductFactory.create_batch(2, is_active=start)
    untouched = ProductFactory(is_active=start)

    response = admin_client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [p.id for p in chosen]},
        follow=True,
    )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        f"2 product(s) now {'shown in the shop' if end else 'hidden'}."
    ]
    assert set(Product.objects.filter(is_active=end).values_list("id", flat=True)) == {
        p.id for p in chosen
    }
    untouched.refresh_from_db()
    assert untouched.is_active is start


def test_categories_list_their_product_counts(admin_client):
    tea = CategoryFactory(name="Tea", slug="tea")
    ProductFactory.create_batch(3, category=tea)
    ProductFactory(category=tea, is_active=False)

    response = admin_client.get("/admin/catalog/category/")

    assert response.status_code == 200
    row = response.context["cl"].result_list.get(pk=tea.pk)
    assert (row.product_count, row.active_product_count) == (4, 3)


def test_staff_without_permissions_cannot_open_the_catalog(client):
    client.force_login(StaffFactory())
    assert client.get(CHANGELIST).status_code == 403


def test_product_add_form_creates_a_product(admin_client):
    category = CategoryFactory()
    response = admin_client.post(
        f"{CHANGELIST}add/",
        {
            "name": "New thing",
            "slug": "new-thing",
            "sku": "NEW-1",
            "category": category.id,
            "description": "",
            "price": "4.50",
            "initial_stock": "2",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    product = Product.objects.get(sku="NEW-1")
    assert (product.price, product.stock, bool(product.thumbnail)) == (Decimal("4.50"), 2, False)
    first = product.adjustments.get()
    assert (first.delta, first.stock_after, first.reason) == (2, 2, "Initial stock")
    assert first.by.username == "admin"
