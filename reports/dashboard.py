"""The admin's front page: the day at a glance, each figure a link to the list behind it.

Every figure is computed by the database, in a fixed number of queries whatever the
number of orders or products (a test counts them). Each panel is shown only to employees
who may see the list it comes from.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, F, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product
from catalog.selectors import low_stock_threshold, product_list_low_stock
from orders.admin import OrderAdmin
from orders.models import Order, OrderLine, OrderStatus
from orders.selectors import (
    REVENUE_STATUSES,
    order_list_cancelled_unpaid,
    revenue_count,
    revenue_sum,
)
from reports.models import Report
from shop.models import User

TO_SHIP_LISTED = 8
LOW_STOCK_LISTED = 8
REPORTS_LISTED = 5
CHART_DAYS = 30
BEST_SELLERS_DAYS = 7
BEST_SELLERS_LISTED = 5
# The revenue chart's drawing box (SVG user units; it scales to the card's width).
CHART_WIDTH, CHART_HEIGHT = 600, 140


@dataclass(frozen=True)
class Bar:
    day: date
    revenue: Decimal
    x: float
    y: float
    width: float
    height: float
    link: str


@dataclass(frozen=True)
class BestSeller:
    product_id: int
    name: str
    units: int
    revenue: Decimal
    link: str


@dataclass(frozen=True)
class Figure:
    label: str
    orders: int
    revenue: Decimal
    before_orders: int
    before_revenue: Decimal
    before_label: str
    link: str

    @property
    def change(self) -> str:
        """Revenue against the period before, as a signed percentage ('' when none before)."""
        if not self.before_revenue:
            return ""
        return f"{(self.revenue - self.before_revenue) / self.before_revenue * 100:+.0f}%"


@dataclass
class Dashboard:
    figures: list[Figure] = field(default_factory=list)
    to_ship: list[Order] = field(default_factory=list)
    to_ship_count: int = 0
    to_ship_link: str = ""
    unpaid_count: int = 0
    unpaid_value: Decimal = Decimal("0.00")
    unpaid_oldest: datetime | None = None
    expired_count: int = 0  # cancelled unpaid in the last 7 days
    expired_value: Decimal = Decimal("0.00")
    expired_link: str = ""
    unpaid_link: str = ""
    low_stock: list[Product] = field(default_factory=list)
    low_count: int = 0
    sold_out_count: int = 0
    low_link: str = ""
    sold_out_link: str = ""
    bars: list[Bar] = field(default_factory=list)
    chart_top: Decimal = Decimal("0.00")
    chart_total: Decimal = Decimal("0.00")
    chart_width: int = CHART_WIDTH
    chart_height: int = CHART_HEIGHT
    best_sellers: list[BestSeller] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    reports_link: str = ""
    currency: str = ""
    shows_orders: bool = False
    shows_stock: bool = False
    shows_reports: bool = False


def _link(name: str, **query: Any) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


def _midnight(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _order_figures() -> list[Figure]:
    """Today so far against yesterday by this time, the last 7 days against the 7 before."""
    today = timezone.localdate()
    now = timezone.now()
    bounds = {
        "today": (_midnight(today), _midnight(today + timedelta(days=1))),
        "yesterday": (_midnight(today - timedelta(days=1)), now - timedelta(days=1)),
        "week": (_midnight(today - timedelta(days=6)), _midnight(today + timedelta(days=1))),
        "week_before": (
            _midnight(today - timedelta(days=13)),
            _midnight(today - timedelta(days=6)),
        ),
    }
    aggregates: dict[str, Any] = {}
    for name, (start, end) in bounds.items():
        period = Q(created_at__gte=start, created_at__lt=end)
        aggregates[f"{name}_n"] = revenue_count(where=period)
        aggregates[f"{name}_r"] = revenue_sum(where=period)
    row = Order.objects.filter(created_at__gte=bounds["week_before"][0]).aggregate(**aggregates)
    changelist = "admin:orders_order_changelist"
    return [
        Figure(
            "Today",
            row["today_n"],
            row["today_r"],
            row["yesterday_n"],
            row["yesterday_r"],
            "yesterday by this time",
            _link(changelist, created_at__gte=str(today)),
        ),
        Figure(
            "Last 7 days",
            row["week_n"],
            row["week_r"],
            row["week_before_n"],
            row["week_before_r"],
            "the 7 days before",
            _link(changelist, created_at__gte=str(today - timedelta(days=6))),
        ),
    ]


def _revenue_bars() -> tuple[list[Bar], Decimal, Decimal]:
    """Revenue per day of the last CHART_DAYS days (one query), drawn as bars."""
    today = timezone.localdate()
    first = today - timedelta(days=CHART_DAYS - 1)
    per_day = dict(
        Order.objects.filter(created_at__gte=_midnight(first), status__in=REVENUE_STATUSES)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(revenue=revenue_sum())
        .values_list("day", "revenue")
    )
    days = [first + timedelta(days=n) for n in range(CHART_DAYS)]
    top = max([per_day.get(day, Decimal("0.00")) for day in days] + [Decimal("0.00")])
    slot = CHART_WIDTH / CHART_DAYS
    bars = []
    for n, day in enumerate(days):
        revenue = per_day.get(day, Decimal("0.00"))
        height = float(revenue / top) * (CHART_HEIGHT - 2) if top else 0.0
        bars.append(
            Bar(
                day=day,
                revenue=revenue,
                x=round(n * slot + 1, 2),
                y=round(CHART_HEIGHT - height, 2),
                width=round(slot - 2, 2),
                height=round(height, 2),
                link=_link(
                    "admin:orders_order_changelist",
                    created_at__gte=str(day),
                    created_at__lt=str(day + timedelta(days=1)),
                ),
            )
        )
    return bars, top, sum((bar.revenue for bar in bars), Decimal("0.00"))


def _best_sellers() -> list[BestSeller]:
    """The products most sold (units) in revenue orders of the last BEST_SELLERS_DAYS days."""
    since = _midnight(timezone.localdate() - timedelta(days=BEST_SELLERS_DAYS - 1))
    rows = (
        OrderLine.objects.filter(order__created_at__gte=since, order__status__in=REVENUE_STATUSES)
        .values("product_id", "product__name")
        .annotate(units=Sum("quantity"), revenue=Sum("line_total"))
        .order_by("-units", "product__name")[:BEST_SELLERS_LISTED]
    )
    return [
        BestSeller(
            product_id=row["product_id"],
            name=row["product__name"],
            units=row["units"],
            revenue=row["revenue"],
            link=reverse("admin:catalog_product_change", args=[row["product_id"]]),
        )
        for row in rows
    ]


def dashboard_for(*, user: User) -> Dashboard:
    """The panels this employee may see, filled."""
    board = Dashboard(currency=settings.SHOP_CURRENCY)
    changelist = "admin:orders_order_changelist"
    if user.has_perm("orders.view_order"):
        board.shows_orders = True
        board.figures = _order_figures()
        board.bars, board.chart_top, board.chart_total = _revenue_bars()
        board.best_sellers = _best_sellers()
        paid = Order.objects.filter(status=OrderStatus.PAID)
        board.to_ship = list(
            paid.order_by("created_at", "id").only(
                "reference", "customer_name", "total", "currency", "created_at"
            )[:TO_SHIP_LISTED]
        )
        board.to_ship_count = paid.count()
        # Oldest first, like the card: the order list sorts by column number (the action
        # checkbox is column 0).
        placed_column = OrderAdmin.list_display.index("placed") + 1
        board.to_ship_link = _link(changelist, status__exact=OrderStatus.PAID, o=placed_column)
        unpaid = Order.objects.filter(status=OrderStatus.PLACED).aggregate(
            n=Count("id"),
            value=Coalesce(Sum("total"), Value(Decimal("0"))),
            oldest=Min("created_at"),
        )
        board.unpaid_count, board.unpaid_oldest = unpaid["n"], unpaid["oldest"]
        board.unpaid_value = unpaid["value"]
        board.unpaid_link = _link(changelist, status__exact=OrderStatus.PLACED)
        week = timezone.localdate() - timedelta(days=6)
        expired = (
            order_list_cancelled_unpaid()
            .filter(created_at__gte=_midnight(week))
            .aggregate(n=Count("id"), value=Coalesce(Sum("total"), Value(Decimal("0"))))
        )
        board.expired_count, board.expired_value = expired["n"], expired["value"]
        board.expired_link = _link(
            changelist, status__exact=OrderStatus.CANCELLED, created_at__gte=str(week)
        )
    if user.has_perm("catalog.view_product"):
        board.shows_stock = True
        counts = (
            Product.objects.filter(is_active=True)
            .annotate(threshold=low_stock_threshold())
            .aggregate(
                low=Count("id", filter=Q(stock__gt=0, stock__lte=F("threshold"))),
                out=Count("id", filter=Q(stock=0)),
            )
        )
        board.low_count, board.sold_out_count = counts["low"], counts["out"]
        board.low_stock = list(product_list_low_stock()[:LOW_STOCK_LISTED])
        product_list = "admin:catalog_product_changelist"
        board.low_link = _link(product_list, stock_level="low", is_active__exact=1)
        board.sold_out_link = _link(product_list, stock_level="out", is_active__exact=1)
    if user.has_perm("reports.view_report"):
        board.shows_reports = True
        board.reports = list(Report.objects.order_by("-created_at")[:REPORTS_LISTED])
        board.reports_link = _link("admin:reports_report_changelist")
    return board
