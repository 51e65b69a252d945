"""Emails to customers about their orders (HTML and plain text)."""

import hashlib
import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from orders.holds import order_hold_end
from orders.models import EmailRecipientHour, Order
from orders.shipping import tracking_url
from orders.tokens import follow_token
from shop.models import OutboundEmail
from shop.outbox import Rendered, Suppressed, email_queue

logger = logging.getLogger(__name__)

# Emails a stranger can make the shop send to any address (placing a guest order with it,
# and that order's cancellation when it expires): capped per recipient per hour.
CAPPED_KINDS = frozenset({"confirmation", "cancelled"})


def _within_hourly_cap(recipient: str) -> bool:
    """Count one email to `recipient` this hour; False once it is past the cap.

    One conditional UPDATE counts it; the first email of an hour inserts the row (a
    concurrent insert of the same row loses and counts through the UPDATE instead).
    """
    hour = int(time.time() // 3600)
    digest = hashlib.sha256(recipient.strip().lower().encode()).hexdigest()
    cap = settings.SHOP_MAX_EMAILS_PER_RECIPIENT_HOUR
    counted = EmailRecipientHour.objects.filter(recipient=digest, hour=hour, sent__lt=cap).update(
        sent=F("sent") + 1
    )
    if counted:
        return True
    if cap < 1:
        return False
    try:
        with transaction.atomic():
            EmailRecipientHour.objects.create(recipient=digest, hour=hour, sent=1)
    except IntegrityError:  # the hour's row exists: at the cap, or made just now by another
        return bool(
            EmailRecipientHour.objects.filter(recipient=digest, hour=hour, sent__lt=cap).update(
                sent=F("sent") + 1
            )
        )
    # A new hour for this address: forget hours that no longer count.
    EmailRecipientHour.objects.filter(hour__lt=hour - 1).delete()
    return True


SUBJECTS = {
    "confirmation": "Your order {reference} awaits payment",
    "paid": "Payment received for your order {reference}",
    "shipped": "Your order {reference} is on its way",
    "cancelled": "Your order {reference} was cancelled",
    "refunded": "A refund for your order {reference}",
}


def follow_url(order: Order) -> str:
    """The storefront's page of the order, with a signed link that opens it (orders.tokens)."""
    base = (settings.SHOP_STOREFRONT_URL or settings.SHOP_BASE_URL).rstrip("/")
    query = urlencode({"token": follow_token(order.reference)})
    return f"{base}/orders/{order.reference}?{query}"


def _context(order: Order) -> dict:
    hold_end = order_hold_end(order)
    window = settings.SHOP_PAYMENT_WINDOW_MINUTES
    guest_unstarted = order.user_id is None and order.payment_started_at is None
    last = order.status_changes.order_by("-created_at", "-id").first()
    return {
        "order": order,
        "lines": list(order.lines.all()),
        "shop_name": settings.SHOP_NAME,
        "follow_url": follow_url(order),
        "pay_by": timezone.localtime(hold_end),
        "timezone": timezone.get_current_timezone_name(),
        "window": window,
        "short_hold": settings.SHOP_UNSTARTED_PAYMENT_MINUTES if guest_unstarted else None,
        "expired": bool(last and last.changed_by_id is None and "within" in last.note),
        "tracking_url": tracking_url(order.carrier, order.tracking_number),
        "refund": order.status_changes.filter(note__startswith="Refunded ").last(),
    }


def order_email_queue(order: Order, kind: str) -> None:
    """Write the `kind` email of the order to its customer (the outbox sends it after the
    commit). Call it inside the transaction of the change it tells of."""
    email_queue(
        kind=f"order.{kind}",
        to=order.email,
        params={"order_id": order.pk},
        reference=order.reference,
    )


def order_email_render(message: OutboundEmail) -> Rendered:
    """The outbox's renderer of order.* emails.

    An email of a capped kind past SHOP_MAX_EMAILS_PER_RECIPIENT_HOUR is held back; it is
    counted once, at its first try.
    """
    kind = message.kind.removeprefix("order.")
    order = Order.objects.prefetch_related("lines").get(pk=message.params["order_id"])
    if kind in CAPPED_KINDS and message.attempts <= 1 and not _within_hourly_cap(order.email):
        raise Suppressed(
            f"its address had {settings.SHOP_MAX_EMAILS_PER_RECIPIENT_HOUR} order emails this hour"
        )
    context = _context(order)
    return Rendered(
        subject=SUBJECTS[kind].format(reference=order.reference),
        text=render_to_string(f"emails/order_{kind}.txt", context),
        html=render_to_string(f"emails/order_{kind}.html", context),
    )
