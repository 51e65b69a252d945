"""Checkout under load: 32 clients buying 10 hot products at once (PostgreSQL, gunicorn).

Prints orders/s, p50/p95 latency and the answers (201/409/5xx) of POST /api/v1/orders/,
beside a baseline that only takes the stock (one conditional UPDATE per item in a
transaction, no validation, no order rows, no idempotency, no email), then audits the
stock: units sold must equal the stock taken, and no stock may be negative.
Target: 0 oversold, 0 5xx, at least 150 orders/s on the 2-core machine.

    python bench/checkout.py [--seconds 20] [--concurrency 32] [--workers 4]
"""

import argparse
import json
import os
import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    django_env,
    gunicorn,
    load,
    print_table,
    scratch_database_url,
)

HOT_PRODUCTS = 10
# Half the hot products sell out during the run, so that refusals are exercised too.
STOCK = [1_000_000] * 5 + [300] * 5


def setup() -> list[int]:
    import django
    from django.core.management import call_command

    django.setup()
    from catalog.models import Category, Product

    call_command("migrate", verbosity=0)
    category = Category.objects.create(name="Hot", slug="hot")
    products = Product.objects.bulk_create(
        Product(
            sku=f"HOT-{n}",
            name=f"Hot product {n}",
            slug=f"hot-{n}",
            category=category,
            price=Decimal("9.90") + n,
            stock=STOCK[n],
        )
        for n in range(HOT_PRODUCTS)
    )
    from django.db import connection

    connection.close()
    return [product.pk for product in products]


def stock_levels() -> dict[int, int]:
    from catalog.models import Product

    return dict(Product.objects.values_list("pk", "stock"))


def audit(before: dict[int, int]) -> list[list[str]]:
    """Compare units sold per product with the stock each lost."""
    from django.db.models import Sum

    from orders.models import OrderLine

    after = stock_levels()
    sold = dict(
        OrderLine.objects.values("product")
        .annotate(units=Sum("quantity"))
        .values_list("product", "units")
    )
    rows = []
    for pk in sorted(before):
        taken = before[pk] - after[pk]
        rows.append(
            [
                str(pk),
                str(before[pk]),
                str(after[pk]),
                str(sold.get(pk, 0)),
                str(taken),
                "yes" if sold.get(pk, 0) == taken and after[pk] >= 0 else "NO",
            ]
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    environment = django_env(
        scratch_database_url("bench_checkout"),
        SHOP_ORDER_THROTTLE_ANON="100000000/min",
        # 32 clients on one loopback address: the per-client hold limit would refuse them.
        SHOP_MAX_UNPAID_UNITS_PER_CLIENT="100000000",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    os.environ.update(environment)
    product_ids = setup()

    def order(path):
        def make(worker, n):
            rng = random.Random(worker * 1_000_003 + n)
            chosen = rng.sample(product_ids, k=rng.choice([1, 1, 2, 3]))
            body = {
                "customer": {"name": f"Buyer {worker}", "email": f"buyer{worker}@example.com"},
                "shipping_address": {
                    "line1": "Main Street 1",
                    "city": "Oslo",
                    "postal_code": "0150",
                    "country": "NO",
                },
                "items": [{"product_id": pk, "quantity": rng.choice([1, 1, 2])} for pk in chosen],
            }
            return "POST", path, json.dumps(body).encode(), {"Content-Type": "application/json"}

        return make

    results = {}
    with gunicorn(environment, workers=args.workers) as port:
        before = stock_levels()
        results["baseline"] = load(
            "baseline",
            port,
            order("/baseline/stock-take/"),
            concurrency=args.concurrency,
            seconds=args.seconds / 2,
        )
        # Put the baseline's stock back, so the checkout starts from the same levels.
        from catalog.models import Product

        for pk, stock in before.items():
            Product.objects.filter(pk=pk).update(stock=stock)
        results["checkout"] = load(
            "checkout",
            port,
            order("/api/v1/orders/"),
            concurrency=args.concurrency,
            seconds=args.seconds,
        )
        rows = audit(before)

    table = []
    for name, result in results.items():
        count = result.statuses
        fivexx = sum(n for status, n in count.items() if status >= 500)
        table.append(
            [
                name,
                f"{result.throughput:.0f}",
                f"{count.get(201, 0) / result.seconds:.0f}",
                f"{result.percentile(50):.1f}",
                f"{result.percentile(95):.1f}",
                str(count.get(201, 0)),
                str(count.get(409, 0)),
                str(fivexx),
                str(sum(n for s, n in count.items() if s not in (201, 409) and s < 500)),
                f"{result.client_cpu:.0%}",
            ]
        )
    ratio = results["checkout"].throughput / results["baseline"].throughput
    print_table(
        f"Checkout, {HOT_PRODUCTS} hot products, {args.concurrency} clients, gunicorn "
        f"{args.workers} workers, PostgreSQL",
        [
            "request",
            "req/s",
            "201/s",
            "p50 ms",
            "p95 ms",
            "201",
            "409",
            "5xx",
            "other",
            "load generator CPU",
        ],
        table,
    )
    print(f"\ncheckout / baseline throughput: {ratio:.2f}x")
    print_table(
        "Stock audit (units sold by orders = stock taken; never negative)",
        ["product", "stock before", "stock after", "units sold", "stock taken", "consistent"],
        rows,
    )
    oversold = sum(1 for row in rows if row[-1] != "yes")
    print(
        f"\nOversold or inconsistent products: {oversold}. "
        "Target: 0 oversold, 0 5xx, >= 150 orders/s."
    )


if __name__ == "__main__":
    main()
