"""Emails to customers about their payments (HTML and plain text)."""

from django.conf import settings
from django.template.loader import render_to_string

from orders.emails import follow_url
from payments.models import Payment
from shop.models import OutboundEmail
from shop.outbox import Rendered, email_queue

# kind: (subject, what happened, in one paragraph)
NOTICES = {
    "late_accepted": (
        "Your payment for order {reference} arrived: the order is back on",
        "your payment arrived after the time to pay had run out and the order had been "
        "cancelled. Everything was still in stock, so we have reinstated the order as paid; "
        "it ships as usual.",
    ),
    "late_refunded": (
        "Your payment for order {reference} is refunded",
        "your payment arrived after the time to pay had run out and the order had been "
        "cancelled, and meanwhile the items were sold. We have refunded the whole payment; "
        "your bank shows it within a few days.",
    ),
    "cancelled_refunded": (
        "Your payment for cancelled order {reference} is refunded",
        "your payment arrived after the order had been cancelled. We have refunded the whole "
        "payment; your bank shows it within a few days.",
    ),
    "duplicate_refunded": (
        "A second payment for order {reference} is refunded",
        "we received a second payment for an order that was already paid. We have refunded "
        "the second payment in full; your bank shows it within a few days.",
    ),
}


def payment_email_queue(payment: Payment, kind: str) -> None:
    """Write the `kind` notice of a payment to its order's customer (sent after the commit)."""
    email_queue(
        kind=f"payment.{kind}",
        to=payment.order.email,
        params={"payment_id": payment.pk},
        reference=payment.order.reference,
    )


def payment_email_render(message: OutboundEmail) -> Rendered:
    """The outbox's renderer of payment.* emails."""
    kind = message.kind.removeprefix("payment.")
    payment = Payment.objects.select_related("order").get(pk=message.params["payment_id"])
    order = payment.order
    subject, notice = NOTICES[kind]
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "payment": payment,
        "notice": notice,
        "shop_name": settings.SHOP_NAME,
        "follow_url": follow_url(order),
    }
    return Rendered(
        subject=subject.format(reference=order.reference),
        text=render_to_string("emails/payment_notice.txt", context),
        html=render_to_string("emails/payment_notice.html", context),
    )
