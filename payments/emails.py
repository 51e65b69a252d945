"""Emails to customers about their payments (HTML and plain text)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from orders.emails import follow_url
from payments.models import Payment

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


def payment_email_send(*, payment_id: int, kind: str) -> None:
    """Render and send one payment email; raises if the mail backend fails."""
    payment = Payment.objects.select_related("order").get(pk=payment_id)
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
    message = EmailMultiAlternatives(
        subject=subject.format(reference=order.reference),
        body=render_to_string("emails/payment_notice.txt", context),
        to=[order.email],
    )
    message.attach_alternative(render_to_string("emails/payment_notice.html", context), "text/html")
    message.send()
