"""The catalog import at size: a 10,000-row product file through the admin, preview and confirm.

On a scratch PostgreSQL database, in one process, an employee signed in to the admin:
uploads a CSV of 10,000 new products (preview: a dry run, rolled back), confirms it (written,
each product's stock as an adjustment), then imports the file exported from the list with
every price and stock changed, and once more unchanged. For each step: wall time, database
queries, and the process's maximum resident memory so far. The baseline is the export of
the same 10,000 products.

    python bench/catalog_import.py [--rows 10000]
"""

import argparse
import csv
import io
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import django_env, print_table, scratch_database_url

HEADER = ["sku", "name", "category", "price", "stock", "active", "description"]


def new_products_file(rows: int) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    for n in range(rows):
        writer.writerow(
            [
                f"IMP-{n:05d}",
                f"Imported product {n}",
                f"cat-{n % 20}",
                f"{5 + n % 90}.90",
                n % 40,
                "yes",
                f"Description of product {n}, for the catalog.",
            ]
        )
    return text.getvalue().encode()


def measured(step):
    """Run step(); return (its result, seconds, queries, the process's maximum resident MiB).

    The memory is the most the process has held so far (getrusage): it grows only when a
    step needs more than every step before it. (tracemalloc would say more, but it slows
    Python down several times over, so the seconds would be wrong.)
    """
    from django.db import connection, reset_queries

    reset_queries()
    started = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - started
    resident = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result, seconds, len(connection.queries), resident


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.update(django_env(scratch_database_url("bench_catalog_import")))
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from catalog.models import Category, Product, StockAdjustment

    setup_test_environment()  # the client's response.context
    settings.DEBUG = True  # counts queries
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SHOP_IMPORT_MAX_ROWS = max(settings.SHOP_IMPORT_MAX_ROWS, args.rows)
    call_command("migrate", verbosity=0)
    for n in range(20):
        Category.objects.create(name=f"Category {n}", slug=f"cat-{n}")
    from django.contrib.auth import get_user_model

    boss = get_user_model().objects.create_superuser("boss", "boss@example.com", "x" * 20)
    client = Client()
    client.force_login(boss)

    def preview(content: bytes):
        upload = SimpleUploadedFile("products.csv", content, "text/csv")
        response = client.post(
            "/admin/catalog/product/import/", {"format": "0", "import_file": upload}
        )
        assert response.status_code == 200, response.status_code
        assert "confirm_form" in response.context, response.context.get("preview")
        return response

    def confirm(page):
        form = page.context["confirm_form"]
        response = client.post(
            "/admin/catalog/product/process_import/",
            {name: form.initial[name] for name in form.fields},
        )
        assert response.status_code == 302, response.status_code
        return response

    def export() -> bytes:
        data = {"format": "0", "resource": "0"}
        page = client.get("/admin/catalog/product/export/")
        data.update({k: "on" for k, f in page.context["form"].fields.items() if f.initial is True})
        response = client.post("/admin/catalog/product/export/", data)
        assert response.status_code == 200
        return response.content

    rows_out = []

    def row(label: str, seconds: float, queries: int, peak: float, size: int) -> None:
        rows_out.append(
            [
                label,
                f"{seconds:.1f}",
                f"{queries:,}",
                f"{peak:.0f}",
                f"{size / 2**10:.0f}",
            ]
        )

    content = new_products_file(args.rows)
    page, s, q, m = measured(lambda: preview(content))
    row(f"preview, {args.rows:,} new", s, q, m, len(page.content))
    assert Product.objects.count() == 0
    _, s, q, m = measured(lambda: confirm(page))
    row(f"confirm, {args.rows:,} new", s, q, m, 0)
    assert Product.objects.count() == args.rows
    assert StockAdjustment.objects.count() == sum(1 for n in range(args.rows) if n % 40)

    exported, s, q, m = measured(export)
    row(f"export, {args.rows:,} (baseline)", s, q, m, len(exported))

    reader = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    header, body = reader[0], reader[1:]
    price, stock = header.index("price"), header.index("stock")
    for line in body:
        line[price] = f"{float(line[price]) + 1:.2f}"
        line[stock] = str(int(line[stock]) + 2)
    text = io.StringIO()
    csv.writer(text).writerows([header, *body])
    changed = text.getvalue().encode()
    page, s, q, m = measured(lambda: preview(changed))
    row(f"preview, {args.rows:,} changed", s, q, m, len(page.content))
    _, s, q, m = measured(lambda: confirm(page))
    row(f"confirm, {args.rows:,} changed", s, q, m, 0)

    fresh = export()  # exported afresh: every row as the catalog has it now
    page, s, q, m = measured(lambda: preview(fresh))
    row(f"preview, {args.rows:,} unchanged", s, q, m, len(page.content))

    print_table(
        "Catalog import through the admin, PostgreSQL",
        ["step", "seconds", "queries", "max resident MiB", "page/file KiB"],
        rows_out,
    )


if __name__ == "__main__":
    main()
