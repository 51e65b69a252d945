"""A customer's data on request: everything the shop holds about them, and its erasure.

`customer_data` gathers it as plain JSON-ready values: their profile, address book, cart,
orders (with lines and status history, placed signed in or as a guest with their email),
the emails sent to them, and what apps above orders add (payments: the payments and refunds
of those orders, through `customer_data_section_register`).

`customer_erase` is the right to be forgotten within what the books allow: the account is
deactivated and emptied, their address book and cart deleted, and in their orders every
personal detail (name, email, phone, street, city, postal code) replaced, while the orders,
their lines, totals, payments and refunds stay as sold (tax law keeps them). The country
stays, for the VAT books. Recorded in the admin's history and in each order's.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from orders.models import Cart, CustomerAddress, Order
from orders.services import order_history_note
from shop.models import EmailState, OutboundEmail, User

ERASED_NAME = "Erased customer"
ERASED_TEXT = "(erased)"

# Sections other apps add to a customer's data: name -> function(customer, orders) -> value.
_sections: dict[str, Callable[[User, QuerySet[Order]], Any]] = {}


def customer_data_section_register(
    name: str, section: Callable[[User, QuerySet[Order]], Any]
) -> None:
    """Add `name` to every customer's data: section(customer, their orders) gives its value."""
    _sections[name] = section


def erased_email(customer: User) -> str:
    # .invalid never resolves (RFC 2606): nothing can be sent to it.
    return f"erased-{customer.pk}@erased.invalid"


def customer_orders(customer: User) -> QuerySet[Order]:
    """Their orders: placed signed in, or as a guest with their email."""
    match = Q(user=customer)
    if customer.email:
        match |= Q(user__isnull=True, email__iexact=customer.email)
    return Order.objects.filter(match)


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def _order(order: Order) -> dict[str, Any]:
    return {
        "reference": order.reference,
        "placed_at": _when(order.created_at),
        "status": order.status,
        "name": order.customer_name,
        "email": order.email,
        "phone": order.phone,
        "shipping_address": {
            "line1": order.shipping_line1,
            "line2": order.shipping_line2,
            "city": order.shipping_city,
            "postal_code": order.shipping_postal_code,
            "country": order.shipping_country,
        },
        "lines": [
            {
                "sku": line.sku,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
                "line_total": str(line.line_total),
            }
            for line in order.lines.all()
        ],
        "subtotal": str(order.subtotal),
        "shipping": str(order.shipping),
        "total": str(order.total),
        "refunded": str(order.refunded_total),
        "currency": order.currency,
        "carrier": order.carrier,
        "tracking_number": order.tracking_number,
        "history": [
            {
                "at": _when(change.created_at),
                "from": change.from_status,
                "to": change.to_status,
                "note": change.note,
            }
            for change in order.status_changes.all()
        ],
    }


def customer_data(*, customer: User) -> dict[str, Any]:
    """Everything the shop holds about `customer`, as JSON-ready values."""
    orders = customer_orders(customer)
    cart = Cart.objects.filter(user=customer).prefetch_related("items__product").first()
    data: dict[str, Any] = {
        "profile": {
            "id": customer.pk,
            "email": customer.email,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "signed_up_at": _when(customer.date_joined),
            "last_signed_in_at": _when(customer.last_login),
            "active": customer.is_active,
            "cognito_sub": customer.cognito_sub,
        },
        "addresses": [
            {
                "name": address.name,
                "line1": address.line1,
                "line2": address.line2,
                "city": address.city,
                "postal_code": address.postal_code,
                "country": address.country,
                "default": address.is_default,
                "added_at": _when(address.created_at),
            }
            for address in CustomerAddress.objects.filter(user=customer)
        ],
        "cart": [
            {"sku": item.product.sku, "name": item.product.name, "quantity": item.quantity}
            for item in (cart.items.all() if cart else [])
        ],
        "orders": [
            _order(order)
            for order in orders.order_by("created_at", "id").prefetch_related(
                "lines", "status_changes"
            )
        ],
        "emails": [
            {
                "kind": email.kind,
                "to": email.to,
                "about": email.reference,
                "written_at": _when(email.created_at),
                "state": email.state,
            }
            for email in _emails(customer, orders).order_by("created_at", "id")
        ],
    }
    for name, section in _sections.items():
        data[name] = section(customer, orders)
    return data


def _emails(customer: User, orders: QuerySet[Order]) -> QuerySet[OutboundEmail]:
    addresses = {customer.email, *orders.values_list("email", flat=True)} - {""}
    match = Q(pk__in=[])
    for address in addresses:
        match |= Q(to__iexact=address)
    return OutboundEmail.objects.filter(match)


@dataclass(frozen=True)
class Erased:
    orders: int
    addresses: int
    emails: int


@transaction.atomic
def customer_erase(*, customer: User, by: User | None = None) -> Erased:
    """Erase a customer's personal data, keeping their orders and money for the books.

    Their sign-in is deactivated (their Cognito account is deleted there: README, "Customer
    data on request"); what the shop sent or will send them is held back and emptied.
    Idempotent: erasing twice changes nothing more.
    """
    orders = list(customer_orders(customer).select_for_update().order_by("pk"))
    emails = _emails(customer, Order.objects.filter(pk__in=[o.pk for o in orders]))
    emails.filter(state=EmailState.PENDING).update(state=EmailState.SUPPRESSED)
    emailed = emails.update(to=erased_email(customer), params={})
    for order in orders:
        order.customer_name = ERASED_NAME
        order.email = erased_email(customer)
        order.phone = ""
        order.shipping_line1 = ERASED_TEXT
        order.shipping_line2 = ""
        order.shipping_city = ERASED_TEXT
        order.shipping_postal_code = ""
        # The link in their emails no longer opens the order (its token is gone).
        order.access_token_hash = ""
        order.save(
            update_fields=[
                "customer_name",
                "email",
                "phone",
                "shipping_line1",
                "shipping_line2",
                "shipping_city",
                "shipping_postal_code",
                "access_token_hash",
                "updated_at",
            ]
        )
        order_history_note(
            order=order, note="Personal data erased on the customer's request.", by=by
        )
    addresses, _ = CustomerAddress.objects.filter(user=customer).delete()
    Cart.objects.filter(user=customer).delete()
    customer.first_name = customer.last_name = ""
    customer.email = erased_email(customer)
    customer.username = f"erased-{customer.pk}"
    customer.cognito_sub = f"erased-{customer.pk}"
    customer.is_active = False
    customer.set_unusable_password()
    customer.save()
    return Erased(orders=len(orders), addresses=addresses, emails=emailed)
