"""Reads on orders (the cart is orders.cart)."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from orders.errors import OrderNotFound
from orders.models import Order, OrderLine, OrderStatus
from orders.tokens import token_matches
from shop.models import User


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
    if token and token_matches(token, order.access_token_hash):
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
    """Return the lines of the period's orders that count as sold: every status but cancelled."""
    start, end = period_bounds(date_from, date_to)
    return OrderLine.objects.filter(
        order__created_at__gte=start, order__created_at__lt=end
    ).exclude(order__status=OrderStatus.CANCELLED)


def order_list_for_user(*, user: User) -> QuerySet[Order]:
    """Return the customer's own orders, newest first."""
    return _order_queryset().filter(user=user).order_by("-created_at", "-id")
