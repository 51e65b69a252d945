"""Emails to Catalog managers about stock running out (plain text and HTML)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from catalog.models import Product
from catalog.selectors import low_stock_threshold, product_list_low_stock

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


def low_stock_email_send(*, product_ids: list[int] | None = None) -> int:
    """Email the Catalog managers about low stock: the named products, or (digest) all of them.

    Returns how many messages were sent (none when nobody is to be told or nothing is low).
    """
    products = _products(product_ids)
    recipients = catalog_managers()
    if not products or not recipients:
        return 0
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
    connection = get_connection()
    messages = []
    for email in recipients:
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("emails/low_stock.txt", context),
            to=[email],
            connection=connection,
        )
        message.attach_alternative(render_to_string("emails/low_stock.html", context), "text/html")
        messages.append(message)
    return connection.send_messages(messages) or 0
