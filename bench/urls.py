"""The app's URLs plus bare baseline views that do the same database work without DRF."""

from django.http import Http404, JsonResponse
from django.urls import path

from catalog.models import Product
from shop.urls import urlpatterns as shop_urlpatterns

FIELDS = (
    "id",
    "slug",
    "sku",
    "name",
    "description",
    "price",
    "stock",
    "image",
    "thumbnail",
    "created_at",
    "updated_at",
    "category__id",
    "category__slug",
    "category__name",
)


def baseline_products(request):
    """Return one page of active products as .values() dictionaries."""
    page_size = int(request.GET.get("page_size", 20))
    queryset = Product.objects.filter(is_active=True).order_by("name", "id")
    return JsonResponse(
        {"count": queryset.count(), "results": list(queryset.values(*FIELDS)[:page_size])}
    )


def baseline_product(request, slug):
    """Return one active product as a .values() dictionary."""
    row = Product.objects.filter(slug=slug, is_active=True).values(*FIELDS).first()
    if row is None:
        raise Http404
    return JsonResponse(row)


urlpatterns = [
    path("baseline/products/", baseline_products),
    path("baseline/products/<slug:slug>/", baseline_product),
    *shop_urlpatterns,
]
