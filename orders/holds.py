"""Stock held by unpaid orders: bounded per client, released sooner when payment never starts.

An unpaid order holds its stock until it is paid or expires. One client (a guest's address,
an IPv6 address by its /64 network, since one host gets a whole /64; a customer account; an
email address) may hold at most SHOP_MAX_UNPAID_UNITS_PER_CLIENT units with unpaid orders
together. A guest order whose payment was never started is released after
SHOP_UNSTARTED_PAYMENT_MINUTES; starting the payment keeps the whole payment window.
"""

import hashlib
import ipaddress
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from orders.errors import TooManyUnpaidOrders
from orders.models import Order, OrderLine, OrderStatus
from shop.models import User


def client_key_of(address: str) -> str:
    """The key a client address holds under: the address itself, or an IPv6 address's /64."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is the IPv4 client
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def order_hold_end(order: Order) -> datetime:
    """When an unpaid order stops holding its stock (and the expiry job cancels it)."""
    if order.user_id is None and order.payment_started_at is None:
        return order.created_at + timedelta(minutes=settings.SHOP_UNSTARTED_PAYMENT_MINUTES)
    return order.created_at + timedelta(minutes=settings.SHOP_PAYMENT_WINDOW_MINUTES)


def order_payment_state(order: Order) -> tuple[str, str]:
    """Where an order's money stands, from the order alone: (key, label) for lists."""
    if order.status == OrderStatus.PLACED:
        if timezone.now() < order_hold_end(order):
            return "awaiting", "Awaiting payment"
        return "overdue", "Overdue"
    if order.refunded_total and order.refunded_total >= order.total:
        return "refunded", "Refunded"
    if order.refunded_total:
        return "part_refunded", "Part refunded"
    if order.status == OrderStatus.CANCELLED:
        return "none", "Not paid"
    return "paid", "Paid"


def orders_past_hold(now: datetime | None = None) -> QuerySet[Order]:
    """Unpaid orders whose hold has ended: past the payment window, or guests' past the
    shorter window for a payment never started. Oldest first."""
    now = now or timezone.now()
    window = now - timedelta(minutes=settings.SHOP_PAYMENT_WINDOW_MINUTES)
    unstarted = now - timedelta(minutes=settings.SHOP_UNSTARTED_PAYMENT_MINUTES)
    return Order.objects.filter(
        Q(created_at__lt=window)
        | Q(user__isnull=True, payment_started_at__isnull=True, created_at__lt=unstarted),
        status=OrderStatus.PLACED,
    ).order_by("created_at", "pk")


def _lock(keys: list[str]) -> None:
    """Serialise placements of one client (PostgreSQL; SQLite serialises all writes anyway).

    Without it, concurrent requests of one client would each see the others' orders not yet
    committed, and together hold far more than the limit.
    """
    if connection.vendor != "postgresql":
        return
    numbers = sorted(
        {
            int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
            for key in keys
        }
    )
    with connection.cursor() as cursor:
        # One statement; unnest keeps the array's order, so every client locks in the same
        # order and two placements never wait on each other in a circle.
        cursor.execute("SELECT pg_advisory_xact_lock(n) FROM unnest(%s::bigint[]) AS n", [numbers])


def holds_check(*, units: int, client_key: str, user: User | None, email: str) -> None:
    """Refuse (429) an order that would take one client's unpaid holds past the limit.

    Call inside the placing transaction, before the stock is taken.
    """
    holders = Q(email__iexact=email)
    keys = [f"email:{email.lower()}"]
    if client_key:
        holders |= Q(client_key=client_key)
        keys.append(f"client:{client_key}")
    if user is not None:
        holders |= Q(user=user)
        keys.append(f"user:{user.pk}")
    _lock(keys)
    holding = Order.objects.filter(holders, status=OrderStatus.PLACED)
    held = OrderLine.objects.filter(order__in=holding).aggregate(units=Sum("quantity"))["units"]
    held = held or 0
    limit = settings.SHOP_MAX_UNPAID_UNITS_PER_CLIENT
    if held + units > limit:
        now = timezone.now()
        soonest = min(
            (
                order_hold_end(order)
                for order in holding.only("pk", "user_id", "created_at", "payment_started_at")
            ),
            default=now,
        )
        raise TooManyUnpaidOrders(
            f"Unpaid orders of this client already hold {held} units (at most {limit}): pay or "
            "cancel one, or wait until it is released.",
            details={"held": held, "limit": limit},
            retry_after=max(1, int((soonest - now).total_seconds()) + 1),
        )
