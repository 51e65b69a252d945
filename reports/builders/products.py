"""The products report: every product with stock and period sales; sold-out and low stock first."""

from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)

from catalog.models import Product
from orders.selectors import order_line_list_sold_in_period, order_list_in_period, revenue_sum
from reports.builders import html
from reports.models import Report
from shop.money import MoneyField


def products_report(report: Report) -> Iterator[str]:
    """Yield the products report; every figure is computed by the database."""
    low = settings.SHOP_LOW_STOCK_THRESHOLD
    # One row per product sold in the period: memory grows with the catalog, not the orders.
    sold = {
        row["product_id"]: (row["units"], row["revenue"])
        for row in order_line_list_sold_in_period(
            date_from=report.date_from, date_to=report.date_to
        )
        .values("product_id")
        .annotate(units=Sum("quantity"), revenue=Sum("line_total"))
    }
    summary = Product.objects.aggregate(
        products=Count("id"),
        out=Count("id", filter=Q(stock=0)),
        low=Count("id", filter=Q(stock__gte=1, stock__lte=low)),
        value=Sum(
            ExpressionWrapper(F("price") * F("stock"), output_field=MoneyField(max_digits=20))
        ),
    )
    units_total = sum(units for units, _ in sold.values())
    sales_total = sum((revenue for _, revenue in sold.values()), Decimal("0.00"))
    # The shop's one revenue (orders.selectors.revenue_sum): sales less refunds.
    revenue_total = order_list_in_period(
        date_from=report.date_from, date_to=report.date_to
    ).aggregate(revenue=revenue_sum())["revenue"]

    yield html.page_start(
        "Products report", f"{report.date_from.isoformat()} to {report.date_to.isoformat()}"
    )
    yield html.kpis(
        [
            ("Products", f"{summary['products']:,}"),
            ("Out of stock", f"{summary['out']:,}"),
            (f"Low stock (1 to {low})", f"{summary['low']:,}"),
            ("Inventory value", html.money(summary["value"])),
            ("Units sold", f"{units_total:,}"),
            ("Sales", html.money(sales_total)),
            ("Revenue", html.money(revenue_total)),
        ]
    )
    yield (
        '<p class="muted">Units sold and sales count the lines of orders paid, shipped or '
        "delivered in the period; revenue is those orders less their refunds, as in the "
        "orders report.</p>"
    )
    yield "<h2>Products</h2>"
    numeric = (3, 4, 5, 6, 7)
    yield html.table_start(
        ["SKU", "Product", "Category", "Price", "Stock", "Units sold", "Sales", "Stock value"],
        numeric=numeric,
    )
    products = (
        Product.objects.select_related("category")
        .annotate(
            urgency=Case(
                When(stock=0, then=Value(0)),
                When(stock__lte=low, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("urgency", "stock", "name", "id")
        .values_list(
            "id", "sku", "name", "category__name", "price", "stock", "is_active", "urgency"
        )
    )
    for pk, sku, name, category, price, stock, active, urgency in products.iterator(
        chunk_size=1000
    ):
        units, revenue = sold.get(pk, (0, Decimal("0.00")))
        yield html.row(
            [
                sku,
                name if active else f"{name} (hidden)",
                category,
                html.money(price),
                f"{stock:,}",
                f"{units:,}",
                html.money(revenue),
                html.money(price * stock),
            ],
            numeric=numeric,
            css=("out", "low", "")[urgency],
        )
    yield html.table_end()
    yield html.page_end()
