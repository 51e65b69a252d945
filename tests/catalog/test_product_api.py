from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.services import product_create
from tests.factories import CategoryFactory, ProductFactory
from tests.images import image_upload

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/products/"


def _skus(response) -> list[str]:
    return [item["sku"] for item in response.json()["results"]]


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]["details"]


def test_list_shows_only_active_products_with_their_fields(api_client, settings):
    settings.SHOP_CURRENCY = "SEK"
    shown = ProductFactory(sku="A-1", price=Decimal("12.50"), stock=3)
    ProductFactory(sku="HIDDEN", is_active=False)

    response = api_client.get(LIST_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item == {
        "id": shown.id,
        "slug": shown.slug,
        "sku": "A-1",
        "name": shown.name,
        "description": shown.description,
        "price": "12.50",
        "currency": "SEK",
        "category": {
            "id": shown.category.id,
            "slug": shown.category.slug,
            "name": shown.category.name,
        },
        "stock": 3,
        "in_stock": True,
        "low_stock": True,
        "image": None,
        "thumbnail": None,
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
    }


def test_images_are_absolute_urls(api_client):
    product = product_create(
        sku="IMG-1",
        name="Mug",
        slug="mug",
        category=CategoryFactory(),
        price=Decimal("5.00"),
        image=image_upload(),
    )

    item = api_client.get(f"{LIST_URL}{product.slug}/").json()

    assert item["image"] == f"http://testserver/media/{product.image.name}"
    assert item["thumbnail"] == f"http://testserver/media/{product.thumbnail.name}"


def test_filter_by_category_slug(api_client):
    tea = CategoryFactory(slug="tea", name="Tea")
    ProductFactory(sku="T-1", category=tea)
    ProductFactory(sku="C-1", category=CategoryFactory(slug="coffee", name="Coffee"))

    assert _skus(api_client.get(LIST_URL, {"category": "tea"})) == ["T-1"]


def test_unknown_category_is_a_400(api_client):
    ProductFactory()
    details = _assert_error(api_client.get(LIST_URL, {"category": "nope"}), 400, "invalid")
    assert list(details) == ["category"]


def test_filter_by_price_range_is_inclusive(api_client):
    for sku, price in [("P-5", "5.00"), ("P-10", "10.00"), ("P-20", "20.00"), ("P-30", "30.00")]:
        ProductFactory(sku=sku, price=Decimal(price))

    params = {"min_price": "10", "max_price": "20.00", "ordering": "price"}
    response = api_client.get(LIST_URL, params)

    assert _skus(response) == ["P-10", "P-20"]


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"min_price": "abc"}, ["min_price"]),
        ({"max_price": "NaN"}, ["max_price"]),
        ({"min_price": "-1"}, ["min_price"]),
        ({"min_price": "20", "max_price": "10"}, ["max_price"]),
        ({"in_stock": "maybe"}, ["in_stock"]),
        ({"ordering": "stock"}, ["ordering"]),
        ({"search": "x" * 201}, ["search"]),
        ({"page_size": "0"}, ["page_size"]),
        ({"page_size": "101"}, ["page_size"]),
        ({"page_size": "ten"}, ["page_size"]),
        ({"page": "0"}, ["page"]),
        ({"page": "-1"}, ["page"]),
    ],
)
def test_bad_query_values_are_a_400_envelope(api_client, params, fields):
    ProductFactory()
    details = _assert_error(api_client.get(LIST_URL, params), 400, "invalid")
    assert sorted(details) == sorted(fields)


def test_page_past_the_end_is_a_404_envelope(api_client):
    ProductFactory()
    _assert_error(api_client.get(LIST_URL, {"page": "2"}), 404, "not_found")


@pytest.mark.parametrize(
    ("value", "expected"), [("true", ["IN"]), ("1", ["IN"]), ("false", ["OUT"]), ("0", ["OUT"])]
)
def test_filter_in_stock(api_client, value, expected):
    ProductFactory(sku="IN", stock=1)
    ProductFactory(sku="OUT", stock=0)
    assert _skus(api_client.get(LIST_URL, {"in_stock": value})) == expected


def test_search_matches_name_sku_and_description(api_client):
    ProductFactory(sku="K-1", name="Kenya AA", description="Bright and fruity")
    ProductFactory(sku="B-1", name="Brazil", description="Nutty and chocolatey")
    ProductFactory(sku="SPECIAL-9", name="Mug", description="Stoneware")
    ProductFactory(sku="H-1", name="Hidden Kenya", is_active=False)

    assert _skus(api_client.get(LIST_URL, {"search": "kenya"})) == ["K-1"]
    assert _skus(api_client.get(LIST_URL, {"search": "chocolatey"})) == ["B-1"]
    assert _skus(api_client.get(LIST_URL, {"search": "SPECIAL-9"})) == ["SPECIAL-9"]
    assert _skus(api_client.get(LIST_URL, {"search": "kenya fruity"})) == ["K-1"]
    assert _skus(api_client.get(LIST_URL, {"search": "nothing-like-it"})) == []
    assert len(_skus(api_client.get(LIST_URL, {"search": "   "}))) == 3


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("price", ["CHEAP", "MID", "DEAR"]),
        ("-price", ["DEAR", "MID", "CHEAP"]),
        ("name", ["DEAR", "CHEAP", "MID"]),
        ("-name", ["MID", "CHEAP", "DEAR"]),
        ("newest", ["MID", "DEAR", "CHEAP"]),
        ("oldest", ["CHEAP", "DEAR", "MID"]),
    ],
)
def test_ordering(api_client, ordering, expected):
    ProductFactory(sku="CHEAP", name="Banana", price=Decimal("1.00"))
    ProductFactory(sku="DEAR", name="Apple", price=Decimal("9.00"))
    ProductFactory(sku="MID", name="Cherry", price=Decimal("5.00"))

    assert _skus(api_client.get(LIST_URL, {"ordering": ordering})) == expected


def test_default_ordering_is_by_name(api_client):
    ProductFactory(sku="B", name="Bravo")
    ProductFactory(sku="A", name="Alpha")
    assert _skus(api_client.get(LIST_URL)) == ["A", "B"]


def test_pagination_default_and_largest_page(api_client):
    ProductFactory.create_batch(105, category=CategoryFactory())

    first = api_client.get(LIST_URL).json()
    assert first["count"] == 105 and len(first["results"]) == 20
    assert first["previous"] is None and "page=2" in first["next"]

    largest = api_client.get(LIST_URL, {"page_size": "100", "page": "2"}).json()
    assert len(largest["results"]) == 5 and largest["next"] is None


@pytest.mark.parametrize("page_size", [5, 100])
def test_list_costs_a_constant_number_of_queries(api_client, django_assert_num_queries, page_size):
    for category in CategoryFactory.create_batch(4):
        ProductFactory.create_batch(30, category=category)

    # One COUNT for the paginator, one SELECT joined with the category.
    with django_assert_num_queries(2):
        response = api_client.get(LIST_URL, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size

    # Filtering by category adds the one lookup that validates its slug.
    slug = response.json()["results"][0]["category"]["slug"]
    with django_assert_num_queries(3):
        api_client.get(LIST_URL, {"page_size": page_size, "category": slug, "search": "product"})


def test_detail_by_slug(api_client):
    product = ProductFactory(slug="green-tea", stock=0)
    response = api_client.get(reverse("product-detail", args=["green-tea"]))
    assert response.status_code == 200
    assert response.json()["id"] == product.id
    assert response.json()["in_stock"] is False


def test_detail_of_inactive_or_unknown_product_is_a_404_envelope(api_client):
    ProductFactory(slug="hidden", is_active=False)
    _assert_error(api_client.get(f"{LIST_URL}hidden/"), 404, "not_found")
    _assert_error(api_client.get(f"{LIST_URL}nope/"), 404, "not_found")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_a_405_envelope_and_change_nothing(api_client, method):
    product = ProductFactory(slug="p", price=Decimal("3.00"))
    for url in (LIST_URL, f"{LIST_URL}p/", "/api/v1/categories/"):
        response = getattr(api_client, method)(url, {"price": "0.01"}, format="json")
        _assert_error(response, 405, "method_not_allowed")
        assert "GET" in response["Allow"]
    product.refresh_from_db()
    assert product.price == Decimal("3.00")


def test_categories_count_active_products(api_client):
    tea = CategoryFactory(slug="tea", name="Tea")
    ProductFactory.create_batch(2, category=tea)
    ProductFactory(category=tea, is_active=False)
    CategoryFactory(slug="empty", name="Empty")

    response = api_client.get("/api/v1/categories/")

    assert response.status_code == 200
    assert [(c["slug"], c["product_count"]) for c in response.json()["results"]] == [
        ("empty", 0),
        ("tea", 2),
    ]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Stockholm"])  # production's, and an offset
@pytest.mark.parametrize("with_image", [True, False])
def test_fast_representation_equals_drf_generic_rendering(rf, with_image, zone, settings):
    from rest_framework import serializers

    from catalog.apis import ProductOutputSerializer

    settings.TIME_ZONE = zone
    category = CategoryFactory()
    if with_image:
        product = product_create(
            sku="FAST-1",
            name="Café crème ünïcode",
            slug="fast",
            category=category,
            price=Decimal("1234.50"),
            image=image_upload(name="a photo with spaces.png"),
        )
    else:
        product = ProductFactory(price=Decimal("0.00"), stock=0, category=category)
    product.refresh_from_db()

    request = rf.get("/api/v1/products/", HTTP_HOST="shop.example.com")
    serializer = ProductOutputSerializer(product, context={"request": request})
    generic = serializers.ModelSerializer.to_representation(serializer, product)

    assert serializer.data == generic
    assert set(generic) == set(serializer.fields)
