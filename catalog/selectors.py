"""Reads on the catalog, shaped for the storefront API and the admin."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet

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


def category_list() -> QuerySet[Category]:
    """Return categories with how many active products each holds."""
    return Category.objects.annotate(
        product_count=Count("products", filter=Q(products__is_active=True))
    ).order_by("name")
