"""The catalog as a spreadsheet: export of the filtered list, import with a preview first."""

import io
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission

from catalog.models import Product, StockAdjustment, StockKind
from catalog.services import product_stock_adjust
from tests.catalog.spreadsheets import (
    CSV_FORMAT,
    EXPORT,
    IMPORT,
    XLSX_FORMAT,
    confirm,
    csv_file,
    export_rows,
    preview,
    written,
    xlsx_file,
)
from tests.factories import CategoryFactory, ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mugs():
    return CategoryFactory(slug="mugs", name="Mugs")


def test_a_good_file_is_previewed_then_written_on_confirm(admin_client, admin_user, mugs):
    ProductFactory(sku="MUG-1", name="Mug", price=Decimal("9.00"), stock=10, category=mugs)
    before = written()
    upload = csv_file(
        [
            ["MUG-1", "Big mug", "mugs", "12.50", "15", "yes"],
            ["CUP-1", "Cup", "mugs", "4", "7", "no"],
        ]
    )

    page = preview(admin_client, upload)

    assert page.status_code == 200
    html = page.content.decode()
    assert "1 new, 1 updated, 0 unchanged, of 2 rows" in html
    assert "Big mug" in html and "12.50" in html and "CUP-1" in html
    changes = {row["sku"]: row["changes"] for row in page.context["preview"]["changes"]}
    assert ("price", "9.00", "12.50") in changes["MUG-1"]
    assert ("stock", "10", "15") in changes["MUG-1"]
    assert ("stock", "", "7") in changes["CUP-1"]
    assert written() == before  # a preview writes nothing

    done = confirm(admin_client, page)

    assert done.status_code == 302
    mug, cup = Product.objects.get(sku="MUG-1"), Product.objects.get(sku="CUP-1")
    assert (mug.name, mug.price, mug.stock) == ("Big mug", Decimal("12.50"), 15)
    assert (cup.name, cup.price, cup.stock, cup.is_active) == ("Cup", Decimal("4"), 7, False)
    assert cup.slug == "cup" and cup.category == mugs
    # Stock arrived as adjustments, recorded with who and why: never as a number.
    imported = StockAdjustment.objects.filter(kind=StockKind.IMPORT).order_by("product__sku")
    assert [(a.product.sku, a.delta, a.stock_after, a.reason, a.by) for a in imported] == [
        ("CUP-1", 7, 7, "import", admin_user),
        ("MUG-1", 5, 15, "import", admin_user),
    ]
    # Each product's history says it was imported.
    assert LogEntry.objects.filter(object_id__in=[str(mug.pk), str(cup.pk)]).count() == 2


def test_an_xlsx_file_imports_like_a_csv(admin_client, mugs):
    page = preview(admin_client, xlsx_file([["TEA-1", "Tea", "mugs", 3.5, 12, "yes"]]), XLSX_FORMAT)
    assert page.status_code == 200 and "confirm_form" in page.context
    assert confirm(admin_client, page).status_code == 302
    tea = Product.objects.get(sku="TEA-1")
    assert (tea.price, tea.stock) == (Decimal("3.50"), 12)


def test_a_file_with_bad_rows_lists_each_with_its_reason_and_cannot_be_confirmed(
    admin_client, mugs
):
    ProductFactory(sku="LOW", stock=2, category=mugs)
    ProductFactory(sku="TAKEN", slug="taken-slug", category=mugs)
    before = written()
    upload = csv_file(
        [
            ["GOOD", "Good", "mugs", "1.00", "1", "yes"],
            ["BAD-CAT", "No such category", "teapots", "1.00", "1", "yes"],
            ["BAD-PRICE", "Price", "mugs", "twelve", "1", "yes"],
            ["BAD-STOCK", "Stock", "mugs", "1.00", "-4", "maybe"],
            ["BAD-NEG", "Negative price", "mugs", "-1.00", "1", "yes"],
            ["", "No SKU", "mugs", "1.00", "1", "yes"],
        ]
    )

    page = preview(admin_client, upload)

    assert page.status_code == 200
    assert "confirm_form" not in page.context
    bad = {row["line"]: row for row in page.context["preview"]["bad"]}
    assert sorted(bad) == [3, 4, 5, 6, 7]
    assert bad[3]["problems"] == [("category", "No category with the slug 'teapots'.")]
    assert bad[4]["problems"] == [("price", "'twelve' is not a price: write it like 12.50.")]
    assert ("shown in the shop", "'maybe' is neither yes nor no.") in bad[5]["problems"]
    assert ("stock", "'-4' is not a whole number of units (0 or more).") in bad[5]["problems"]
    assert bad[6]["problems"][0][0] == "price"
    assert bad[7]["problems"][0][0] == "SKU"
    html = page.content.decode()
    assert "5 bad rows" in html and "No category with the slug" in html
    # The good row is still shown, as what it would do.
    assert [row["sku"] for row in page.context["preview"]["changes"]] == ["GOOD"]
    assert written() == before


def test_a_slug_already_taken_is_a_bad_row(admin_client, mugs):
    ProductFactory(sku="FIRST", slug="taken", category=mugs)
    before = written()
    page = preview(
        admin_client,
        csv_file(
            [["SECOND", "Second", "taken", "mugs", "1.00"]],
            ["sku", "name", "slug", "category", "price"],
        ),
    )
    assert page.context["preview"]["bad"][0]["problems"][0][0] == "slug"
    assert written() == before


def test_a_stale_stock_column_does_not_bring_back_units_sold_since_the_export(admin_client, mugs):
    mug = ProductFactory(sku="MUG-1", stock=10, category=mugs)
    ProductFactory(sku="CUP-1", stock=10, category=mugs)
    exported = export_rows(admin_client)
    assert {row["sku"]: (row["stock"], row["stock_when_exported"]) for row in exported} == {
        "MUG-1": ("10", "10"),
        "CUP-1": ("10", "10"),
    }
    # Three mugs and two cups sell after the export.
    product_stock_adjust(product=mug, delta=-3, reason="sold")
    product_stock_adjust(product=Product.objects.get(sku="CUP-1"), delta=-2, reason="sold")
    # The employee changes the cups' price and adds 5 cups in the file; mugs untouched.
    for row in exported:
        if row["sku"] == "CUP-1":
            row["price"], row["stock"] = "5.00", "15"
    header = list(exported[0])
    upload = csv_file([[row[h] for h in header] for row in exported], header)

    page = preview(admin_client, upload)
    assert page.context["preview"]["unchanged"] == 1  # the mug: nothing to do
    assert confirm(admin_client, page).status_code == 302

    assert Product.objects.get(sku="MUG-1").stock == 7  # the 3 sales kept
    assert Product.objects.get(sku="CUP-1").stock == 13  # 10 - 2 sold + 5 added
    assert list(
        StockAdjustment.objects.filter(kind=StockKind.IMPORT).values_list("product__sku", "delta")
    ) == [("CUP-1", 5)]


def test_a_stock_count_without_the_exported_column_sets_what_was_counted(admin_client, mugs):
    ProductFactory(sku="MUG-1", stock=10, category=mugs)
    page = preview(admin_client, csv_file([["MUG-1", "8"]], ["sku", "stock"]))
    assert page.context["preview"]["changes"][0]["changes"] == [("stock", "10", "8")]
    confirm(admin_client, page)
    adjustment = StockAdjustment.objects.get(kind=StockKind.IMPORT)
    assert (adjustment.delta, adjustment.stock_after) == (-2, 8)


def test_stock_sold_between_preview_and_confirm_refuses_the_whole_file(admin_client, mugs):
    mug = ProductFactory(sku="MUG-1", stock=5, category=mugs)
    header = ["sku", "name", "category", "price", "stock", "stock_when_exported"]
    rows = [["NEW-1", "New", "mugs", "1.00", "3", ""], ["MUG-1", "Mug", "mugs", "1.00", "0", "5"]]
    page = preview(admin_client, csv_file(rows, header))
    assert "confirm_form" in page.context  # taking the 5 mugs away is possible now
    product_stock_adjust(product=mug, delta=-2, reason="sold")  # then two sell
    before = written()

    refused = confirm(admin_client, page)

    assert refused.status_code == 409
    assert refused.context["preview"]["bad"] == [
        {"line": 3, "sku": "MUG-1", "problems": [("stock", "Only 3 in stock: cannot take away 5.")]}
    ]
    assert "Nothing was imported" in refused.content.decode()
    assert written() == before  # not even the good row's new product


def test_export_is_of_the_filtered_list(admin_client, mugs):
    ProductFactory(sku="MUG-1", category=mugs)
    ProductFactory(sku="MUG-OFF", category=mugs, is_active=False)
    ProductFactory(sku="OTHER")
    rows = export_rows(admin_client, f"?category__id__exact={mugs.pk}&is_active__exact=1")
    assert [row["sku"] for row in rows] == ["MUG-1"]
    assert rows[0]["category"] == "mugs" and rows[0]["active"] == "yes"
    assert sorted(row["sku"] for row in export_rows(admin_client, "", XLSX_FORMAT)) == [
        "MUG-1",
        "MUG-OFF",
        "OTHER",
    ]


def test_an_exported_file_imports_back_unchanged(admin_client, mugs):
    ProductFactory(sku="MUG-1", price=Decimal("12.50"), stock=4, category=mugs)
    ProductFactory(
        sku="MUG-2", low_stock_threshold=3, description="Blue, with a lid", category=mugs
    )
    before = written()
    rows = export_rows(admin_client)
    header = list(rows[0])
    page = preview(admin_client, csv_file([[row[h] for h in header] for row in rows], header))
    assert page.context["preview"]["unchanged"] == 2
    assert page.context["preview"]["changes"] == []
    confirm(admin_client, page)
    assert written()[:2] == before[:2]


def test_import_needs_add_and_change_permissions_and_export_view(client, mugs):
    clerk = StaffFactory()
    clerk.user_permissions.add(Permission.objects.get(codename="view_product"))
    client.force_login(clerk)
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"format": CSV_FORMAT}).status_code == 403
    assert client.get(EXPORT).status_code == 200
    assert (
        "Import"
        not in client.get("/admin/catalog/product/")
        .content.decode()
        .split('class="object-tools"')[-1]
        .split("</ul>")[0]
    )
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_product", "change_product"])
    )
    assert client.get(IMPORT).status_code == 200


def test_a_sku_or_slug_twice_in_the_file_is_a_bad_row_naming_the_first_line(admin_client, mugs):
    before = written()
    header = ["sku", "name", "slug", "category", "price"]
    rows = [
        ["A-1", "One", "one", "mugs", "1.00"],
        ["A-1", "One again", "one-again", "mugs", "1.00"],
        ["B-1", "Other", "one", "mugs", "1.00"],
    ]

    page = preview(admin_client, csv_file(rows, header))

    bad = {row["line"]: row["problems"] for row in page.context["preview"]["bad"]}
    assert bad == {
        3: [("SKU", "Line 2 has this SKU too.")],
        4: [("slug", "Line 2 has this slug too.")],
    }
    assert "confirm_form" not in page.context
    assert written() == before


def test_taking_away_more_than_is_on_hand_is_a_bad_row(admin_client, mugs):
    ProductFactory(sku="MUG-1", stock=2, category=mugs)
    header = ["sku", "stock", "stock_when_exported"]
    page = preview(admin_client, csv_file([["MUG-1", "0", "5"]], header))
    assert page.context["preview"]["bad"] == [
        {"line": 2, "sku": "MUG-1", "problems": [("stock", "Only 2 in stock: cannot take away 5.")]}
    ]


def test_a_10000_row_file_is_previewed_and_written_in_statements_of_many_rows(
    admin_client, admin_user, mugs, django_assert_max_num_queries
):
    """A few statements per batch of products, never a few a row (some 20 a row before):
    PostgreSQL takes 500 rows a statement, SQLite as many as its 999 parameters allow (70
    or so a product INSERT). bench/catalog_import.py has the time and memory at this size."""
    rows = 10_000
    ProductFactory(sku="OLD-0", stock=4, category=mugs)
    lines = [["OLD-0", "Old, renamed", "mugs", "2.00", "9", "yes"]]
    lines += [
        [f"N-{n:05d}", f"Item {n}", "mugs", f"{1 + n % 50}.25", n % 7, "yes"]
        for n in range(1, rows)
    ]
    content = csv_file(lines).getvalue()

    def upload():
        file = io.BytesIO(content)
        file.name = "products.csv"
        return file

    budget = rows // 25  # at least 25 rows a statement, on either database
    with django_assert_max_num_queries(budget):
        page = preview(admin_client, upload())
    assert page.context["preview"]["new"] == rows - 1
    assert page.context["preview"]["updated"] == 1
    assert Product.objects.count() == 1

    with django_assert_max_num_queries(budget):
        assert confirm(admin_client, page).status_code == 302

    assert Product.objects.count() == rows
    assert Product.objects.get(sku="N-09998").price == Decimal("49.25")
    old = Product.objects.get(sku="OLD-0")
    assert (old.name, old.stock) == ("Old, renamed", 9)
    imported = StockAdjustment.objects.filter(kind=StockKind.IMPORT)
    assert imported.count() == 1 + sum(1 for n in range(1, rows) if n % 7)
    assert imported.get(product=old).delta == 5
    assert LogEntry.objects.filter(user=admin_user).count() == rows


def test_a_preview_is_confirmed_once_however_often_confirm_is_clicked(admin_client, mugs):
    ProductFactory(sku="MUG-1", stock=10, category=mugs)
    header = ["sku", "stock", "stock_when_exported"]
    page = preview(admin_client, csv_file([["MUG-1", "15", "10"]], header))
    assert confirm(admin_client, page).status_code == 302
    before = written()

    again = confirm(admin_client, page)

    assert again.status_code == 409
    assert "confirmed already" in again.content.decode()
    assert Product.objects.get(sku="MUG-1").stock == 15  # the 5 added once, not twice
    assert written() == before


def test_only_whoever_previewed_a_file_can_confirm_it(admin_client, client, mugs):
    page = preview(admin_client, csv_file([["NEW-1", "New", "mugs", "1.00", "1", "yes"]]))
    other = StaffFactory(is_superuser=True)
    client.force_login(other)
    before = written()
    assert confirm(client, page).status_code == 409
    assert written() == before


def test_a_new_product_missing_values_is_told_what_it_needs(admin_client, mugs):
    page = preview(admin_client, csv_file([["NEW-1", "5"]], ["sku", "stock"]))
    [bad] = page.context["preview"]["bad"]
    assert ("name", "A new product needs its name.") in bad["problems"]
    assert ("price", "A new product needs its price.") in bad["problems"]
    assert ("category", "A new product needs its category.") in bad["problems"]
    assert not any(what == "slug" for what, _ in bad["problems"])  # it comes from the name
