"""Emails to customers about their orders (HTML and plain text)."""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from orders.models import Order

logger = logging.getLogger(__name__)

# Emails a stranger can make the shop send to any address (placing a guest order with it,
# and that order's cancellation when it expires): capped per recipient per hour.
CAPPED_KINDS = frozenset({"confirmation", "cancelled"})


def _within_hourly_cap(recipient: str) -> bool:
    """Count one email to `recipient` this hour; False once it is past the cap."""
    hour = int(time.time() // 3600)
    digest = hashlib.sha256(recipient.strip().lower().encode()).hexdigest()[:32]
    key = f"order-emails:{digest}:{hour}"
    cache.add(key, 0, timeout=2 * 3600)
    try:
        sent = cache.incr(key)
    except ValueError:  # evicted between add and incr: count this one as the first
        cache.set(key, 1, timeout=2 * 3600)
        sent = 1
    return sent <= settings.SHOP_MAX_EMAILS_PER_RECIPIENT_HOUR


SUBJECTS = {
    "confirmation": "Thank you for your order {reference}",
    "shipped": "Your order {reference} is on its way",
    "cancelled": "Your order {reference} was cancelled",
}


def order_email_send(*, order_id: int, kind: str) -> None:
    """Render and send one order email; raises if the mail backend fails.

    An email of a capped kind past SHOP_MAX_EMAILS_PER_RECIPIENT_HOUR is logged, not sent.
    """
    order = Order.objects.prefetch_related("lines").get(pk=order_id)
    if kind in CAPPED_KINDS and not _within_hourly_cap(order.email):
        logger.warning(
            "Suppressed the %s email of order %s: its address had %s order emails this hour",
            kind,
            order.reference,
            settings.SHOP_MAX_EMAILS_PER_RECIPIENT_HOUR,
        )
        return
    context = {"order": order, "lines": list(order.lines.all()), "shop_name": settings.SHOP_NAME}
    message = EmailMultiAlternatives(
        subject=SUBJECTS[kind].format(reference=order.reference),
        body=render_to_string(f"emails/order_{kind}.txt", context),
        to=[order.email],
    )
    message.attach_alternative(render_to_string(f"emails/order_{kind}.html", context), "text/html")
    message.send()
