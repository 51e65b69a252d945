"""Report builders: each yields the chunks of one self-contained HTML file."""

from collections.abc import Callable, Iterator

from reports.builders.orders import orders_report
from reports.builders.products import products_report
from reports.models import Report, ReportKind

BUILDERS: dict[str, Callable[[Report], Iterator[str]]] = {
    ReportKind.ORDERS: orders_report,
    ReportKind.PRODUCTS: products_report,
}
