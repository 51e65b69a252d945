"""The stock ledger: every change of stock is a row, and per product the rows sum to the stock."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from catalog.models import Product, StockAdjustment, StockKind
from catalog.services import product_create, product_stock_adjust
from orders.models import Order, OrderLine, OrderStatus
from orders.services import order_reinstate_paid, order_set_status
from payments.services import orders_expire
from tests.factories import CategoryFactory
from tests.orders.bodies import order_body

pytestmark = pytest.mark.django_db


def _product(stock: int, n: int = 0) -> Product:
    return product_create(
        sku=f"LEDGER-{n}",
        name=f"Ledger product {n}",
        slug=f"ledger-product-{n}",
        category=CategoryFactory(),
        price=Decimal("5.00"),
        stock=stock,
    )


def _ledger_sums_to_the_stock() -> None:
    for product in Product.objects.all():
        recorded = product.adjustments.aggregate(s=Sum("delta"))["s"] or 0
        assert recorded == product.stock, (product.sku, recorded, product.stock)


def _buy(client, product, quantity, address="192.0.2.1"):
    body = order_body((product.pk, quantity))
    return client.post(
        "/api/v1/orders/",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        REMOTE_ADDR=address,
    ).json()["reference"]


def test_every_kind_of_change_is_a_row_and_they_add_up(client, settings):
    settings.SHOP_MAX_UNPAID_UNITS_PER_CLIENT = 1000
    product = _product(20)
    sold = _buy(client, product, 3)
    cancelled = _buy(client, product, 2, "192.0.2.2")
    expired = _buy(client, product, 4, "192.0.2.3")
    order_set_status(order=Order.objects.get(reference=cancelled), status=OrderStatus.CANCELLED)
    Order.objects.filter(reference=expired).update(created_at=timezone.now() - timedelta(hours=1))
    assert orders_expire() == 1
    order_reinstate_paid(order=Order.objects.get(reference=expired), note="late payment")
    product_stock_adjust(product=product, delta=-1, reason="Damaged")

    rows = list(
        StockAdjustment.objects.filter(product=product)
        .order_by("id")
        .values_list("kind", "delta", "stock_after", "order_reference")
    )
    assert rows == [
        (StockKind.INITIAL, 20, 20, ""),
        (StockKind.SALE, -3, 17, sold),
        (StockKind.SALE, -2, 15, cancelled),
        (StockKind.SALE, -4, 11, expired),
        (StockKind.CANCELLATION, 2, 13, cancelled),
        (StockKind.EXPIRY, 4, 17, expired),
        (StockKind.REINSTATEMENT, -4, 13, expired),
        (StockKind.ADJUSTMENT, -1, 12, ""),
    ]
    _ledger_sums_to_the_stock()


def test_the_product_page_lists_the_ledger(admin_client):
    product = _product(5)
    _buy(Client(), product, 2)
    page = admin_client.get(f"/admin/catalog/product/{product.pk}/change/").content.decode()
    assert "Sale" in page and "Initial stock" in page and "order " in page


def test_a_checkout_writes_its_ledger_in_one_insert(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    product = _product(5)
    with CaptureQueriesContext(connection) as queries:
        _buy(client, product, 1)
    inserts = [q["sql"] for q in queries if 'INSERT INTO "catalog_stockadjustment"' in q["sql"]]
    assert len(inserts) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_cancellations_expiries_and_adjustments_add_up(settings):
    from tests.concurrency import all_at_once

    settings.SHOP_ORDER_THROTTLE_ANON = "100000/min"
    settings.SHOP_MAX_UNPAID_UNITS_PER_CLIENT = 100_000
    products = [_product(60, n) for n in range(3)]
    # Orders to cancel and to expire while new checkouts and adjustments run.
    to_cancel = [_buy(Client(), products[n % 3], 1, f"198.51.100.{n}") for n in range(6)]
    to_expire = [_buy(Client(), products[n % 3], 2, f"203.0.113.{n}") for n in range(6)]
    Order.objects.filter(reference__in=to_expire).update(
        created_at=timezone.now() - timedelta(hours=1)
    )

    def buy(n):
        return lambda: _buy(Client(), products[n % 3], 1 + n % 2, f"192.0.2.{n}")

    def cancel(reference):
        return lambda: order_set_status(
            order=Order.objects.get(reference=reference), status=OrderStatus.CANCELLED
        )

    def adjust(n):
        return lambda: product_stock_adjust(product=products[n % 3], delta=2, reason="Delivery")

    jobs = (
        [buy(n) for n in range(12)] + [cancel(r) for r in to_cancel] + [adjust(n) for n in range(6)]
    )
    jobs.append(orders_expire)
    all_at_once(jobs)

    _ledger_sums_to_the_stock()
    for product in Product.objects.all():
        assert product.stock >= 0
    assert StockAdjustment.objects.filter(kind=StockKind.EXPIRY).count() == 6
    assert StockAdjustment.objects.filter(kind=StockKind.CANCELLATION).count() == 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_imports_in_batches_and_checkouts_at_once_lose_nothing_and_never_deadlock(
    settings, monkeypatch
):
    """Imports (products_import: fields and stock of many products, locked in primary-key
    order) while guests buy several of the same products in one order (locked the same way).

    Batches of one product, with a pause after each lock (locks_widened): an import locking in
    any other order than the checkouts' would deadlock with them every time."""
    from catalog import services
    from tests.concurrency import all_at_once, locks_widened

    monkeypatch.setattr(services, "IMPORT_BATCH", 1)
    monkeypatch.setattr(services, "STOCK_BATCH", 1)

    settings.SHOP_ORDER_THROTTLE_ANON = "100000/min"
    settings.SHOP_MAX_UNPAID_UNITS_PER_CLIENT = 100_000
    products = [_product(40, n) for n in range(6)]

    def buy(n):
        # Each order takes two products, the higher id first in the body: the service sorts.
        first, second = products[(n + 3) % 6], products[n % 6]
        body = order_body((first.pk, 1), (second.pk, 2))
        return lambda: (
            Client()
            .post(
                "/api/v1/orders/",
                body,
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
                REMOTE_ADDR=f"192.0.2.{n}",
            )
            .status_code
        )

    def import_file(n):
        def run():
            rows = list(Product.objects.filter(pk__in=[p.pk for p in products]).order_by("-pk"))
            for row in rows:
                row.price = Decimal(f"{6 + n}.00")
            services.products_import(
                created=[],
                changed=[(row, ["price"]) for row in rows],
                stock=[(row, 5) for row in rows],
                reason="import",
            )
            return "imported"

        return run

    with locks_widened(0.1):
        outcomes = all_at_once([buy(n) for n in range(12)] + [import_file(n) for n in range(4)])

    assert sorted(map(str, outcomes)) == sorted(["201"] * 12 + ["imported"] * 4)
    _ledger_sums_to_the_stock()
    sold = dict(OrderLine.objects.values_list("product_id").annotate(n=Sum("quantity")).order_by())
    for product in Product.objects.filter(pk__in=[p.pk for p in products]):
        assert product.stock == 40 + 4 * 5 - sold[product.pk], product.sku
        assert product.price in {Decimal(f"{6 + n}.00") for n in range(4)}
    assert StockAdjustment.objects.filter(kind=StockKind.IMPORT).count() == 4 * 6
