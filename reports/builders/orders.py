"""The orders report: KPIs, revenue per day (table and chart), statuses, top products, listing."""

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from orders.models import OrderLine, OrderStatus
from orders.selectors import (
    order_line_list_sold_in_period,
    order_list_cancelled_unpaid,
    order_list_in_period,
    revenue_count,
    revenue_sum,
)
from reports.builders import html
from reports.models import Report
from shop.money import money_round

TOP_PRODUCTS = 10


def orders_report(report: Report) -> Iterator[str]:
    """Yield the orders report; every figure is computed by the database."""
    orders = order_list_in_period(date_from=report.date_from, date_to=report.date_to)
    lines = order_line_list_sold_in_period(date_from=report.date_from, date_to=report.date_to)

    zero = Value(Decimal("0.00"))
    totals = orders.aggregate(
        count=revenue_count(),
        revenue=revenue_sum(),
        placed=Count("id"),
        unpaid=Count("id", filter=Q(status=OrderStatus.PLACED)),
        unpaid_value=Coalesce(Sum("total", filter=Q(status=OrderStatus.PLACED)), zero),
    )
    never_paid = orders.filter(pk__in=order_list_cancelled_unpaid().values("pk")).aggregate(
        n=Count("id"), value=Coalesce(Sum("total"), zero)
    )
    count, revenue, placed = totals["count"], totals["revenue"], totals["placed"]
    units = lines.aggregate(units=Sum("quantity"))["units"] or 0
    average = money_round(revenue / count) if count else Decimal("0.00")

    yield html.page_start(
        "Orders report", f"{report.date_from.isoformat()} to {report.date_to.isoformat()}"
    )
    yield html.kpis(
        [
            ("Paid orders", f"{count:,}"),
            ("Revenue", html.money(revenue)),
            ("Average paid order", html.money(average)),
            ("Units sold", f"{units:,}"),
            ("Awaiting payment", f"{totals['unpaid']:,} · {html.money(totals['unpaid_value'])}"),
            ("Cancelled unpaid", f"{never_paid['n']:,} · {html.money(never_paid['value'])}"),
            ("All orders placed", f"{placed:,}"),
        ]
    )
    yield (
        '<p class="muted">Paid orders and revenue count the orders paid, shipped or delivered '
        "(revenue less their refunds); units sold are theirs. Orders awaiting payment and "
        "orders cancelled before they were paid are not revenue. All orders placed counts "
        "every status, as the listing below does.</p>"
    )

    per_day = {
        row["day"]: (row["orders"], row["revenue"])
        for row in orders.annotate(
            day=TruncDate("created_at", tzinfo=timezone.get_current_timezone())
        )
        .values("day")
        .annotate(orders=revenue_count(), revenue=revenue_sum())
        .order_by("day")
    }
    days = []
    day = report.date_from
    while day <= report.date_to:
        days.append((day, *per_day.get(day, (0, Decimal("0.00")))))
        day += timedelta(days=1)
    yield "<h2>Revenue per day</h2>"
    yield html.revenue_chart([(d, value) for d, _, value in days])
    yield html.table_start(["Day", "Paid orders", "Revenue"], numeric=(1, 2))
    for d, n, value in days:
        yield html.row([d.isoformat(), f"{n:,}", html.money(value)], numeric=(1, 2))
    yield html.table_end()

    yield "<h2>Orders by status</h2>"
    yield html.table_start(["Status", "Orders", "Total"], numeric=(1, 2))
    by_status = {
        row["status"]: row
        for row in orders.values("status").annotate(n=Count("id"), total=Sum("total"))
    }
    for status, label in OrderStatus.choices:
        row = by_status.get(status, {"n": 0, "total": None})
        yield html.row([label, f"{row['n']:,}", html.money(row["total"])], numeric=(1, 2))
    yield html.table_end()

    yield f"<h2>Top {TOP_PRODUCTS} products by units</h2>"
    yield html.table_start(["SKU", "Product", "Units", "Revenue"], numeric=(2, 3))
    top = (
        lines.values("product_id")
        .annotate(
            sku=Max("sku"), name=Max("name"), units=Sum("quantity"), revenue=Sum("line_total")
        )
        .order_by("-units", "sku")[:TOP_PRODUCTS]
    )
    for row in top:
        yield html.row(
            [row["sku"], row["name"], f"{row['units']:,}", html.money(row["revenue"])],
            numeric=(2, 3),
        )
    yield html.table_end()

    limit = settings.SHOP_REPORT_ORDER_ROWS
    yield f"<h2>All orders placed ({placed:,}, every status)</h2>"
    yield html.table_start(
        ["Reference", "Placed", "Customer", "Email", "Status", "Items", "Total"], numeric=(5, 6)
    )
    # A correlated subquery, not a join: only the listed orders get their items summed.
    items = (
        OrderLine.objects.filter(order=OuterRef("pk"))
        .values("order")
        .annotate(units=Sum("quantity"))
        .values("units")
    )
    listing = (
        orders.order_by("-created_at", "-id")
        .annotate(items=Subquery(items))
        .values_list(
            "reference", "created_at", "customer_name", "email", "status", "items", "total"
        )
    )[:limit]
    for reference, created_at, name, email, status, items, total in listing.iterator(
        chunk_size=500
    ):
        yield html.row(
            [
                reference,
                timezone.localtime(created_at).strftime("%Y-%m-%d %H:%M"),
                name,
                email,
                status,
                f"{items or 0:,}",
                html.money(total),
            ],
            numeric=(5, 6),
        )
    yield html.table_end()
    if placed > limit:
        yield f'<p class="muted">… and {placed - limit:,} more orders not listed.</p>'
    yield html.page_end()
