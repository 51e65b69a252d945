"""Catalog API against a bare Django baseline: PostgreSQL, 2,000 products, gunicorn on loopback.

The baseline returns the same page through `.values()` and `JsonResponse` (no DRF, no
serializers, no filters); the ratio says what the API's conveniences cost. Target: >= 0.6x.

    python bench/catalog_api.py [--seconds 16] [--rounds 4] [--concurrency 8] [--products 2000]
"""

import argparse
import os
import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import compare, django_env, gunicorn, print_table, scratch_database_url


def seed(products: int) -> list[str]:
    """Migrate the scratch database and bulk-create the catalog; return active slugs."""
    import django
    from django.core.management import call_command

    django.setup()
    from catalog.models import Category, Product

    call_command("migrate", verbosity=0)
    rng = random.Random(1)
    categories = Category.objects.bulk_create(
        Category(name=f"Category {n}", slug=f"category-{n}") for n in range(10)
    )
    Product.objects.bulk_create(
        (
            Product(
                sku=f"SKU-{n:05d}",
                name=f"Product {rng.choice(['Kenya', 'Mug', 'Kettle', 'Tea'])} {n}",
                slug=f"product-{n}",
                description="A benchmark product with a short description. " * 3,
                category=categories[n % len(categories)],
                price=Decimal(rng.randrange(100, 10000)) / 100,
                stock=rng.randrange(0, 50),
                is_active=n % 10 != 0,
                image=f"products/{n:032x}/image.png",
                thumbnail=f"products/{n:032x}/thumbnail.jpg",
            )
            for n in range(products)
        ),
        batch_size=1000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    slugs = list(Product.objects.filter(is_active=True).values_list("slug", flat=True)[:500])
    connection.close()
    return slugs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=16.0, help="per side and request")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()

    environment = django_env(scratch_database_url("bench_shop"))
    os.environ.update(environment)
    slugs = seed(args.products)

    def fixed(path):
        return lambda worker, n: ("GET", path, None, {})

    def detail(prefix):
        return lambda worker, n: (
            "GET",
            f"{prefix}{slugs[(worker * 997 + n) % len(slugs)]}/",
            None,
            {},
        )

    scenarios = [
        (
            "list, page_size=20",
            fixed("/api/v1/products/?page_size=20"),
            fixed("/baseline/products/?page_size=20"),
        ),
        (
            "list, page_size=100",
            fixed("/api/v1/products/?page_size=100"),
            fixed("/baseline/products/?page_size=100"),
        ),
        ("detail", detail("/api/v1/products/"), detail("/baseline/products/")),
    ]
    rows = []
    with gunicorn(environment, workers=args.workers) as port:
        for label, api, baseline in scenarios:
            measured = compare(
                label,
                port,
                {"baseline": baseline, "api": api},
                concurrency=args.concurrency,
                seconds=args.seconds,
                rounds=args.rounds,
            )
            api_r, base_r = measured["api"], measured["baseline"]
            rows.append(
                [
                    label,
                    f"{base_r.throughput:.0f}",
                    f"{api_r.throughput:.0f}",
                    f"{api_r.throughput / base_r.throughput:.2f}x",
                    f"{base_r.percentile(50):.1f} / {base_r.percentile(95):.1f}",
                    f"{api_r.percentile(50):.1f} / {api_r.percentile(95):.1f}",
                ]
            )
    print_table(
        f"Catalog API vs bare Django view ({args.products} products, PostgreSQL, gunicorn "
        f"{args.workers} workers, {args.concurrency} clients, {args.seconds:.0f} s each)",
        [
            "request",
            "baseline req/s",
            "API req/s",
            "API/baseline",
            "baseline p50/p95 ms",
            "API p50/p95 ms",
        ],
        rows,
    )
    print("\nTarget: API/baseline throughput >= 0.60x.")


if __name__ == "__main__":
    main()
