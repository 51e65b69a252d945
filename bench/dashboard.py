"""The admin's front page under data: time to render /admin/ (the dashboard) as orders grow.

Serves the app with gunicorn on PostgreSQL, signs in an employee, and times GET /admin/ (the
dashboard: figures, to ship, awaiting payment, stock, reports) beside GET /admin/auth/group/
(a small admin list with the same chrome, sessions and permissions: the baseline), at
10,000 and 200,000 orders, in the same run.

    python bench/dashboard.py [--seconds 6]
"""

import argparse
import os
import random
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    bench_order,
    compare,
    django_env,
    gunicorn,
    print_table,
    scratch_database_url,
)

SIZES = (10_000, 200_000)
STATUSES = ["placed", "paid", "shipped", "delivered", "cancelled"]


def setup() -> str:
    """Products and a signed-in employee; return the session id."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from catalog.models import Category, Product

    call_command("migrate", verbosity=0)
    category = Category.objects.create(name="Bench", slug="bench")
    Product.objects.bulk_create(
        Product(
            sku=f"B-{n}",
            name=f"Product {n}",
            slug=f"product-{n}",
            category=category,
            price=Decimal("9.90"),
            stock=n % 12,
        )
        for n in range(500)
    )
    boss = get_user_model().objects.create_superuser("boss", "boss@example.com", "x" * 20)
    session = SessionStore()
    session["_auth_user_id"] = str(boss.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = boss.get_session_auth_hash()
    session.create()
    return session.session_key


def orders_add(first: int, last: int) -> None:
    """Orders first..last-1 over the last 90 days, in every status."""
    from django.db import connection
    from django.utils import timezone

    from orders.models import Order

    rng = random.Random(first)
    now = timezone.now()
    for start in range(first, last, 20_000):
        Order.objects.bulk_create(
            bench_order(
                f"D{n:09d}",
                Decimal("19.80"),
                status=rng.choice(STATUSES),
                created_at=now - timedelta(minutes=rng.randrange(0, 60 * 24 * 90)),
            )
            for n in range(start, min(start + 20_000, last))
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    environment = django_env(scratch_database_url("bench_dashboard"))
    os.environ.update(environment)
    headers = {"Cookie": f"sessionid={setup()}"}
    sides = {
        "baseline": lambda worker, n: ("GET", "/admin/auth/group/", None, headers),
        "dashboard": lambda worker, n: ("GET", "/admin/", None, headers),
    }
    rows = []
    done = 0
    for size in SIZES:
        orders_add(done, size)
        done = size
        with gunicorn(environment, workers=2) as port:
            results = compare(f"{size:,} orders", port, sides, concurrency=2, seconds=args.seconds)
        base, board = results["baseline"], results["dashboard"]
        rows.append(
            [
                f"{size:,}",
                f"{base.percentile(50):.1f}",
                f"{board.percentile(50):.1f}",
                f"{board.percentile(95):.1f}",
                f"{board.throughput:.0f}",
                f"{board.percentile(50) / base.percentile(50):.2f}x",
            ]
        )
    print_table(
        "Admin front page (dashboard) against a small admin list, PostgreSQL, gunicorn 2 workers",
        ["orders", "baseline p50 ms", "dashboard p50 ms", "dashboard p95 ms", "req/s", "p50 ratio"],
        rows,
    )


if __name__ == "__main__":
    main()
