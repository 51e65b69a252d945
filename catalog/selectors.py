"""Reads on the catalog, shaped for the storefront API and the admin."""

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from catalog.errors import ProductNotFound
from catalog.filters import ProductFilter
from catalog.models import Category, Product


def product_list(*, filters: Mapping[str, str] | None = None) -> QuerySet[Product]:
    """Return active products matching the storefront filters; refuse invalid filter values."""
    queryset = Product.objects.filter(is_active=True).select_related("category")
    if not filters or not any(name in filters for name in ProductFilter.base_filters):
        # The most common listing has no filters; skip building (deep-copying) a FilterSet.
        return queryset
    filterset = ProductFilter(data=filters, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError({field: list(errors) for field, errors in filterset.errors.items()})
    return filterset.qs


def product_get(*, slug: str | None = None, pk: int | None = None) -> Product:
    """Return one active product by its slug or its id."""
    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    try:
        return Product.objects.select_related("category").get(**lookup, is_active=True)
    except Product.DoesNotExist:
        raise ProductNotFound() from None


def low_stock_threshold() -> Coalesce:
    """Each product's low-stock threshold, or the shop's default: an expression to annotate."""
    return Coalesce("low_stock_threshold", Value(settings.SHOP_LOW_STOCK_THRESHOLD))


def product_list_low_stock() -> QuerySet[Product]:
    """Active products at or below their threshold (sold out included), fewest first."""
    return (
        Product.objects.filter(is_active=True)
        .annotate(threshold=low_stock_threshold())
        .filter(stock__lte=F("threshold"))
        .order_by("stock", "name")
    )


def category_list() -> QuerySet[Category]:
    """Return categories with how many active products each holds."""
    return Category.objects.annotate(
        product_count=Count("products", filter=Q(products__is_active=True))
    ).order_by("name")
