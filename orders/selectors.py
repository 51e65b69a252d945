"""Reads on orders (the cart is orders.cart)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from orders.errors import OrderNotFound
from orders.models import Order, OrderLine, OrderStatus, OrderStatusChange
from orders.tokens import follow_token_matches, token_matches
from shop.models import User
from shop.money import MoneyField

# Orders whose money the shop has: revenue is their totals less what was refunded of them.
REVENUE_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED)


def revenue_sum(*, where: Q | None = None, prefix: str = "") -> Coalesce:
    """The shop's one definition of revenue, as an aggregate: the totals of paid, shipped and
    delivered orders less their refunds (0 when there are none).

    `prefix` reaches orders through a relation ("orders__" from a customer); `where` narrows
    the orders (a period, written with the same prefix).
    """
    condition = Q(**{f"{prefix}status__in": REVENUE_STATUSES}) & (where or Q())
    money = MoneyField()
    return Coalesce(
        Sum(
            F(f"{prefix}total") - F(f"{prefix}refunded_total"), filter=condition, output_field=money
        ),
        Value(Decimal("0.00")),
        output_field=money,
    )


def revenue_count(*, where: Q | None = None, prefix: str = "") -> Count:
    """How many orders revenue_sum counts."""
    return Count(
        "pk" if not prefix else f"{prefix}pk",
        filter=Q(**{f"{prefix}status__in": REVENUE_STATUSES}) & (where or Q()),
    )


def order_list_cancelled_unpaid() -> QuerySet[Order]:
    """Cancelled orders that were never paid (most expired at the end of the payment window)."""
    paid = OrderStatusChange.objects.filter(order=OuterRef("pk"), to_status=OrderStatus.PAID)
    return Order.objects.filter(status=OrderStatus.CANCELLED).exclude(Exists(paid))


def _order_queryset() -> QuerySet[Order]:
    lines = OrderLine.objects.select_related("product").only(
        *(f.name for f in OrderLine._meta.concrete_fields), "product__slug", "product__thumbnail"
    )
    return Order.objects.prefetch_related(Prefetch("lines", queryset=lines), "status_changes")


def order_get_for_viewer(
    *, reference: str, user: User | AnonymousUser | None = None, token: str | None = None
) -> Order:
    """Return an order to its signed-in owner, or to a guest with its access token.

    Anyone else is told it does not exist, so references cannot be probed.
    """
    order = _order_queryset().filter(reference=reference.upper()).first()
    if order is None:
        raise OrderNotFound()
    if user is not None and user.is_authenticated and order.user_id == user.pk:
        return order
    if token and (
        token_matches(token, order.access_token_hash)
        or follow_token_matches(token, order.reference)
    ):
        return order
    raise OrderNotFound()


def order_reread(*, order: Order) -> Order:
    """Return the order as it is now, with its lines and history: after a change, to answer."""
    return _order_queryset().get(pk=order.pk)


def period_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """Return [start, end) in the shop's time zone: the first day's midnight to the next after
    the last."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(date_from, time.min, tzinfo=tz)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def order_list_in_period(*, date_from: date, date_to: date) -> QuerySet[Order]:
    """Return the orders placed in the period, whatever their status."""
    start, end = period_bounds(date_from, date_to)
    return Order.objects.filter(created_at__gte=start, created_at__lt=end)


def order_line_list_sold_in_period(*, date_from: date, date_to: date) -> QuerySet[OrderLine]:
    """Return the lines of the period's orders that count as sold: paid, shipped, delivered."""
    start, end = period_bounds(date_from, date_to)
    return OrderLine.objects.filter(
        order__created_at__gte=start,
        order__created_at__lt=end,
        order__status__in=REVENUE_STATUSES,
    )


def order_list_for_user(*, user: User) -> QuerySet[Order]:
    """Return the customer's own orders, newest first."""
    return _order_queryset().filter(user=user).order_by("-created_at", "-id")
