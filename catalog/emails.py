"""Emails to Catalog managers about stock running out (plain text and HTML)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse

from catalog.models import Product
from catalog.selectors import low_stock_threshold, product_list_low_stock
from shop.models import OutboundEmail
from shop.outbox import Rendered, Suppressed, emails_queue

MANAGERS_GROUP = "Catalog managers"


def catalog_managers() -> list[str]:
    """Addresses of the active employees in the Catalog managers group."""
    return list(
        get_user_model()
        .objects.filter(groups__name=MANAGERS_GROUP, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def _products(ids: list[int] | None) -> list[Product]:
    if ids is None:
        return list(product_list_low_stock())
    return list(
        Product.objects.filter(pk__in=ids)
        .annotate(threshold=low_stock_threshold())
        .order_by("stock", "name")
    )


def low_stock_alert_queue(product_ids: list[int] | None = None) -> int:
    """Write the low-stock email to each Catalog manager: about these products (they just
    ran low), or (None) the digest of all that are low. Returns how many were written."""
    recipients = catalog_managers()
    if not recipients or (product_ids is None and not _products(None)):
        return 0
    kind = "catalog.low_stock" if product_ids is not None else "catalog.low_stock_digest"
    params = {"product_ids": product_ids} if product_ids is not None else {}
    return len(emails_queue(kind=kind, to=recipients, params=params))


def low_stock_render(message: OutboundEmail) -> Rendered:
    """The outbox's renderer of catalog.* emails (what is low when it is sent)."""
    product_ids = message.params.get("product_ids")
    products = _products(product_ids)
    if not products:
        raise Suppressed("none of its products exists any more")
    base = settings.SHOP_BASE_URL.rstrip("/")
    context = {
        "products": [
            (p, f"{base}{reverse('admin:catalog_product_change', args=[p.pk])}") for p in products
        ],
        "digest": product_ids is None,
        "shop_name": settings.SHOP_NAME,
    }
    count = len(products)
    if product_ids is None:
        subject = f"{settings.SHOP_NAME}: {count} product(s) low or sold out"
    elif count == 1:
        subject = (
            f"{settings.SHOP_NAME}: {products[0].name} is running out ({products[0].stock} left)"
        )
    else:
        subject = f"{settings.SHOP_NAME}: {count} products are running out"
    return Rendered(
        subject=subject,
        text=render_to_string("emails/low_stock.txt", context),
        html=render_to_string("emails/low_stock.html", context),
    )
