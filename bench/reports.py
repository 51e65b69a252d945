"""Report generation at 10k, 100k and 1M orders: time and the generating process's peak RSS.

Orders (about two lines each, spread over a year, every status) are bulk-created with SQL in
a scratch PostgreSQL database, growing from one size to the next. For each size, each report
is generated for the whole year in a fresh process that writes to a temporary folder; that
process reports its time and peak RSS, beside the RSS of the same process before it started
(Django and the app imported), which is the baseline. Growth ratios are against 10k orders.
Target: the orders report at 1M orders within 60 s and 300 MB peak RSS, time growing no
faster than the number of orders.

    python bench/reports.py [--sizes 10000,100000,1000000]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ROOT, django_env, print_table, scratch_database_url

PRODUCTS = 200


def _sql(cursor, statement: str, *params) -> None:
    cursor.execute(statement, params)


def grow(target: int) -> None:
    """Add orders (with lines and totals) until there are `target` of them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM orders_order")
        start = cursor.fetchone()[0]
        if start >= target:
            return
        _sql(
            cursor,
            """
            INSERT INTO orders_order (reference, customer_name, email, phone, shipping_line1,
                shipping_line2, shipping_city, shipping_postal_code, shipping_country, status,
                subtotal, shipping, total, currency, access_token_hash, created_at, updated_at)
            SELECT 'B' || lpad(g::text, 10, '0'), 'Customer ' || g, 'c' || g || '@example.com',
                '', 'Road 1', '', 'Oslo', '0150', 'NO',
                (ARRAY['placed','paid','shipped','delivered','delivered','delivered',
                       'cancelled'])[1 + g %% 7],
                0, 0, 0, 'EUR', '',
                date_trunc('day', now()) - interval '1 day' - (g %% 365) * interval '1 day'
                    + (g::bigint * 7919 %% 86400) * interval '1 second',
                now()
            FROM generate_series(%s, %s) AS g
            """,
            start + 1,
            target,
        )
        for offset, every in ((0, 1), (97, 2)):
            _sql(
                cursor,
                """
                INSERT INTO orders_orderline (order_id, product_id, sku, name, unit_price,
                    quantity, line_total)
                SELECT o.id, p.id, p.sku, p.name, p.price, 1 + o.id %% 3,
                    p.price * (1 + o.id %% 3)
                FROM orders_order o
                JOIN catalog_product p ON p.id = (SELECT min(id) FROM catalog_product)
                    + (o.id + %s) %% %s
                WHERE o.id > %s AND o.id %% %s = 0
                """,
                offset,
                PRODUCTS,
                start,
                every,
            )
        _sql(
            cursor,
            """
            UPDATE orders_order o SET subtotal = s.total, total = s.total
            FROM (SELECT order_id, sum(line_total) AS total FROM orders_orderline
                  WHERE order_id > %s GROUP BY order_id) s
            WHERE o.id = s.order_id
            """,
            start,
        )
        cursor.execute("ANALYZE")


def setup_catalog() -> None:
    from decimal import Decimal

    from django.core.management import call_command

    from catalog.models import Category, Product

    call_command("migrate", verbosity=0)
    category = Category.objects.create(name="Bench", slug="bench")
    Product.objects.bulk_create(
        Product(
            sku=f"P-{n:04d}",
            name=f"Product {n}",
            slug=f"product-{n}",
            category=category,
            price=Decimal(100 + n * 37 % 9000) / 100,
            stock=n % 40,
        )
        for n in range(PRODUCTS)
    )


def generate_in_child(kind: str) -> dict:
    """In this (fresh) process: build one report for the past year; print time and memory."""
    import django

    django.setup()
    from django.utils import timezone

    from reports.generation import report_generate
    from reports.models import Report

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    today = timezone.localdate()
    report = Report.objects.create(
        kinds=[kind], date_from=today.replace(year=today.year - 1), date_to=today
    )
    started = time.perf_counter()
    report_generate(report_id=report.pk)
    elapsed = time.perf_counter() - started
    report.refresh_from_db()
    assert report.status == "succeeded", report.error
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": elapsed,
        "baseline_mb": before / 1024,
        "peak_mb": peak / 1024,
        "bytes": report.files.get().size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(generate_in_child(args.child)))
        return

    reports_root = tempfile.mkdtemp(prefix="bench-reports-")
    environment = django_env(
        scratch_database_url("bench_reports"),
        REPORTS_ROOT=reports_root,
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    os.environ.update(environment)
    import django

    django.setup()
    setup_catalog()
    from django.db import connection

    rows, first = [], {}
    for size in (int(s) for s in args.sizes.split(",")):
        began = time.perf_counter()
        grow(size)
        connection.close()
        loaded = time.perf_counter() - began
        for kind in ("orders", "products"):
            child = subprocess.run(
                [sys.executable, __file__, "--child", kind],
                cwd=ROOT,
                env=environment,
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(child.stdout.strip().splitlines()[-1])
            base = first.setdefault(kind, (size, result))
            rows.append(
                [
                    f"{size:,}",
                    kind,
                    f"{result['seconds']:.1f}",
                    f"{result['seconds'] / base[1]['seconds']:.1f}x",
                    f"{size / base[0]:.0f}x",
                    f"{result['baseline_mb']:.0f}",
                    f"{result['peak_mb']:.0f}",
                    f"{result['peak_mb'] - result['baseline_mb']:.0f}",
                    f"{result['bytes'] / 1024:.0f}",
                ]
            )
        print(f"{size:,} orders loaded in {loaded:.0f} s", file=sys.stderr)
    print_table(
        "Report generation (PostgreSQL, one year, fresh process per report)",
        [
            "orders",
            "report",
            "seconds",
            "time growth",
            "orders growth",
            "RSS before MB",
            "peak RSS MB",
            "added MB",
            "file KB",
        ],
        rows,
    )
    print(
        "\nTarget: orders report at 1M orders <= 60 s and <= 300 MB peak RSS; "
        "time growth <= orders growth."
    )


if __name__ == "__main__":
    main()
