"""The app's URLs plus bare baseline views that do the same database work without DRF."""

import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.http import Http404, JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.static import serve
from rest_framework.authentication import BaseAuthentication

from catalog.models import Product
from orders.cart.apis import CartApi
from shop.apis import MeApi
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


@csrf_exempt
def baseline_stock_take(request):
    """Take the stock of an order's items and nothing else: the irreducible write of a sale."""
    items = sorted((i["product_id"], i["quantity"]) for i in json.loads(request.body)["items"])
    with transaction.atomic():
        for product_id, quantity in items:
            taken = Product.objects.filter(pk=product_id, stock__gte=quantity).update(
                stock=F("stock") - quantity
            )
            if not taken:
                transaction.set_rollback(True)
                return JsonResponse({"error": "insufficient_stock"}, status=409)
    return JsonResponse({"ok": True}, status=201)


@csrf_exempt
def baseline_webhook(request):
    """Verify a Stripe signature and mark the order paid: the irreducible work of a webhook."""
    import stripe
    from django.conf import settings

    from orders.models import Order

    try:
        stripe.Webhook.construct_event(
            request.body,
            request.headers.get("Stripe-Signature", ""),
            settings.STRIPE_WEBHOOK_SECRET,
        )
    except (stripe.SignatureVerificationError, ValueError):
        return JsonResponse({"error": "invalid"}, status=400)
    reference = json.loads(request.body)["data"]["object"]["metadata"]["order_reference"]
    Order.objects.filter(reference=reference, status="placed").update(status="paid")
    return JsonResponse({"received": True})


@csrf_exempt
def baseline_payment(request, reference):
    """Find a guest's order by reference and token, answer its open payment: no DRF, no locks."""
    from orders.tokens import token_hash
    from payments.models import Payment

    payment = (
        Payment.objects.filter(
            order__reference=reference,
            order__access_token_hash=token_hash(request.headers.get("X-Order-Token", "")),
            status="requires_payment",
        )
        .values("provider", "provider_id", "client_secret", "amount", "currency", "status")
        .first()
    )
    if payment is None:
        raise Http404
    payment["amount"] = str(payment["amount"])
    return JsonResponse(payment)


class FixedCustomerAuthentication(BaseAuthentication):
    """Sign the request in as the customer named by ?customer=<id>: no token at all."""

    def authenticate(self, request):
        return get_user_model().objects.get(pk=request.query_params["customer"]), None


class BaselineMeApi(MeApi):
    authentication_classes = [FixedCustomerAuthentication]


class BaselineCartApi(CartApi):
    authentication_classes = [FixedCustomerAuthentication]


urlpatterns = [
    # Product images, as CloudFront serves them in production (DEBUG is off here, so the
    # app's own static() route is not mounted).
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    path("baseline/me/", BaselineMeApi.as_view()),
    path("baseline/cart/", BaselineCartApi.as_view()),
    path("baseline/stock-take/", baseline_stock_take),
    path("baseline/webhook/", baseline_webhook),
    path("baseline/payment/<str:reference>/", baseline_payment),
    path("baseline/products/", baseline_products),
    path("baseline/products/<slug:slug>/", baseline_product),
    *shop_urlpatterns,
]
