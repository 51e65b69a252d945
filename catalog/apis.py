"""Storefront catalog API: categories, product listing and product detail."""

from django.conf import settings
from django.db.models.fields.files import FieldFile
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from catalog.filters import IN_STOCK_VALUES, ORDERINGS, PRICE_PATTERN, SLUG_PATTERN
from catalog.models import Category, Product
from catalog.selectors import category_list, product_get, product_list
from shop.api.representation import FastFields
from shop.api.schema import error_responses


class CategoryOutputSerializer(serializers.ModelSerializer):
    product_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Category
        fields = ["id", "slug", "name", "description", "product_count"]


class ProductCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name"]


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteFileUrlField(serializers.Field):
    """A stored file's absolute URL (CloudFront/S3 in production, this host locally), or null."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: FieldFile) -> str | None:
        if not value:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(value.url) if request else value.url

    def get_attribute(self, instance):
        # FieldFile is falsy when empty; keep it so to_representation answers null.
        for attr in self.source_attrs:
            instance = getattr(instance, attr)
        return instance


class ProductOutputSerializer(serializers.ModelSerializer):
    category = ProductCategorySerializer(read_only=True)
    currency = serializers.SerializerMethodField()
    stock = serializers.SerializerMethodField(
        help_text="Units in stock; null when the shop hides counts (SHOP_PUBLIC_STOCK_COUNTS)."
    )
    in_stock = serializers.SerializerMethodField()
    low_stock = serializers.SerializerMethodField(
        help_text="In stock, but at or below the shop's low-stock threshold."
    )
    image = AbsoluteFileUrlField()
    thumbnail = AbsoluteFileUrlField()

    class Meta:
        model = Product
        fields = [
            "id",
            "slug",
            "sku",
            "name",
            "description",
            "price",
            "currency",
            "category",
            "stock",
            "in_stock",
            "low_stock",
            "image",
            "thumbnail",
            "created_at",
            "updated_at",
        ]

    def get_currency(self, product: Product) -> str:
        return settings.SHOP_CURRENCY

    def get_stock(self, product: Product) -> int | None:
        return product.stock if settings.SHOP_PUBLIC_STOCK_COUNTS else None

    def get_in_stock(self, product: Product) -> bool:
        return product.stock > 0

    def get_low_stock(self, product: Product) -> bool:
        return 0 < product.stock <= settings.SHOP_LOW_STOCK_THRESHOLD

    def to_representation(self, product: Product) -> dict:
        # Hand-written: DRF's generic per-field path cost 3x the database work on a page of
        # 100 products (bench/catalog_api.py). The declared fields above still drive the
        # OpenAPI schema, and a test checks this output equals the generic one.
        fast = FastFields.of(self.context)
        category = product.category
        return {
            "id": product.id,
            "slug": product.slug,
            "sku": product.sku,
            "name": product.name,
            "description": product.description,
            "price": f"{product.price:.2f}",
            "currency": settings.SHOP_CURRENCY,
            "category": {"id": category.id, "slug": category.slug, "name": category.name},
            "stock": product.stock if settings.SHOP_PUBLIC_STOCK_COUNTS else None,
            "in_stock": product.stock > 0,
            "low_stock": 0 < product.stock <= settings.SHOP_LOW_STOCK_THRESHOLD,
            "image": fast.file_url(product.image),
            "thumbnail": fast.file_url(product.thumbnail),
            "created_at": fast.datetime(product.created_at),
            "updated_at": fast.datetime(product.updated_at),
        }


class CategoryListApi(generics.ListAPIView):
    # Public: the catalog is browsed without an account.
    permission_classes = [AllowAny]
    serializer_class = CategoryOutputSerializer

    def get_queryset(self):
        return category_list()


def _price(name: str, description: str, example: str) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        {"type": "string", "pattern": PRICE_PATTERN},
        description=f"{description} Digits with at most two decimals.",
        examples=[OpenApiExample(example, value=example)],
    )


_PRODUCT_FILTERS = [
    OpenApiParameter(
        "category",
        {"type": "string", "pattern": SLUG_PATTERN},
        description="Category slug; one that does not exist is a 400.",
        examples=[OpenApiExample("Coffee", value="coffee")],
    ),
    OpenApiParameter(
        "search",
        {"type": "string", "maxLength": 200, "pattern": "^[^\\x00]*$"},
        description="Words to find in name, SKU or description.",
        examples=[OpenApiExample("A word", value="kenya")],
    ),
    _price("min_price", "Lowest price, inclusive.", "5.00"),
    _price("max_price", "Highest price, inclusive; not below min_price.", "50"),
    OpenApiParameter(
        "in_stock",
        str,
        enum=IN_STOCK_VALUES,
        description="true (or 1): only in stock; false (or 0): only sold out.",
        examples=[OpenApiExample("In stock", value="true")],
    ),
    OpenApiParameter(
        "ordering",
        str,
        enum=list(ORDERINGS),
        description="Default: name, or relevance when searching.",
        examples=[OpenApiExample("Cheapest first", value="price")],
    ),
]


@extend_schema(
    parameters=_PRODUCT_FILTERS,
    responses={
        200: ProductOutputSerializer,
        **error_responses(e400="Invalid filter or paging values.", e404="No such page."),
    },
)
class ProductListApi(generics.ListAPIView):
    # Public: the catalog is browsed without an account.
    permission_classes = [AllowAny]
    serializer_class = ProductOutputSerializer

    def get_queryset(self):
        return product_list(filters=self.request.query_params)


@extend_schema(
    responses={200: ProductOutputSerializer, **error_responses(e404="No such active product.")}
)
class ProductDetailApi(generics.RetrieveAPIView):
    """One active product by its slug."""

    # Public: the catalog is browsed without an account.
    permission_classes = [AllowAny]
    serializer_class = ProductOutputSerializer

    def get_object(self):
        return product_get(slug=self.kwargs["slug"])


class ProductByIdApi(generics.RetrieveAPIView):
    """One active product by its id (a cart or an order line names products by id)."""

    # Public: the catalog is browsed without an account.
    permission_classes = [AllowAny]
    serializer_class = ProductOutputSerializer

    @extend_schema(
        operation_id="products_retrieve_by_id",
        responses={
            200: ProductOutputSerializer,
            **error_responses(e404="No such active product."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return product_get(pk=self.kwargs["pk"])
