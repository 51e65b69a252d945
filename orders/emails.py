"""Emails to customers about their orders (HTML and plain text)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from orders.models import Order

SUBJECTS = {
    "confirmation": "Thank you for your order {reference}",
    "shipped": "Your order {reference} is on its way",
    "cancelled": "Your order {reference} was cancelled",
}


def order_email_send(*, order_id: int, kind: str) -> None:
    """Render and send one order email; raises if the mail backend fails."""
    order = Order.objects.prefetch_related("lines").get(pk=order_id)
    context = {"order": order, "lines": list(order.lines.all()), "shop_name": settings.SHOP_NAME}
    message = EmailMultiAlternatives(
        subject=SUBJECTS[kind].format(reference=order.reference),
        body=render_to_string(f"emails/order_{kind}.txt", context),
        to=[order.email],
    )
    message.attach_alternative(render_to_string(f"emails/order_{kind}.html", context), "text/html")
    message.send()
