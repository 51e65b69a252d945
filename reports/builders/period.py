"""The period a report covers, in the shop's time zone, and the order lines it counts."""

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from orders.models import Order, OrderLine, OrderStatus


def period_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """Return [start, end): from the first day's midnight to the midnight after the last."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(date_from, time.min, tzinfo=tz)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def orders_in(date_from: date, date_to: date) -> QuerySet[Order]:
    start, end = period_bounds(date_from, date_to)
    return Order.objects.filter(created_at__gte=start, created_at__lt=end)


def sold_lines_in(date_from: date, date_to: date) -> QuerySet[OrderLine]:
    """Lines of the period's orders that count as sold: every status but cancelled."""
    start, end = period_bounds(date_from, date_to)
    return OrderLine.objects.filter(
        order__created_at__gte=start, order__created_at__lt=end
    ).exclude(order__status=OrderStatus.CANCELLED)
