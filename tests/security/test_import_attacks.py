"""The catalog import, attacked: files built to take the worker down, cells built to run."""

import io
import zipfile

import pytest

from catalog.models import Product
from tests.catalog.spreadsheets import (
    CONFIRM,
    CSV_FORMAT,
    XLSX_FORMAT,
    confirm,
    csv_file,
    export_rows,
    preview,
    written,
    xlsx_file,
)
from tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mugs():
    return CategoryFactory(slug="mugs", name="Mugs")


def test_a_zip_bomb_dressed_as_xlsx_is_refused_before_it_is_unpacked(admin_client, settings):
    settings.SHOP_IMPORT_MAX_UNPACKED_BYTES = 2**20
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (4 * 2**20))  # 4 MiB of zeros
    bomb.seek(0)
    bomb.name = "products.xlsx"
    assert len(bomb.getvalue()) < 2**15  # a few KiB sent, megabytes once unpacked
    before = written()

    page = preview(admin_client, bomb, XLSX_FORMAT)

    assert page.status_code == 200
    assert "unpacks to far more than a product list" in page.content.decode()
    assert "confirm_form" not in page.context
    assert written() == before


def test_a_file_that_is_not_what_its_format_says_is_refused(admin_client):
    fake = io.BytesIO(b"sku,name\nA,B\n")
    fake.name = "products.xlsx"
    page = preview(admin_client, fake, XLSX_FORMAT)
    assert "This is not an XLSX file" in page.content.decode()


def test_a_file_over_the_size_limit_is_refused_unread(admin_client, mugs, settings):
    settings.SHOP_IMPORT_MAX_BYTES = 1000
    rows = [[f"S-{n}", f"Name {n}", "mugs", "1.00", "1", "yes"] for n in range(100)]
    before = written()
    page = preview(admin_client, csv_file(rows))
    assert "import at most" in page.content.decode()
    assert "confirm_form" not in page.context
    assert written() == before


def test_a_file_over_the_row_limit_is_refused_whole(admin_client, mugs, settings):
    settings.SHOP_IMPORT_MAX_ROWS = 5
    rows = [[f"S-{n}", f"Name {n}", "mugs", "1.00", "1", "yes"] for n in range(6)]
    before = written()
    page = preview(admin_client, csv_file(rows))
    assert page.context["preview"]["file_errors"] == [
        "The file has 6 rows: import at most 5 at a time."
    ]
    assert "confirm_form" not in page.context
    assert written() == before


def test_markup_in_cells_is_shown_as_text_never_run(admin_client, mugs):
    script = '<script>alert("x")</script>'
    page = preview(admin_client, csv_file([["XSS-1", script, "mugs", "1.00", "1", "yes"]]))
    html = page.content.decode()
    assert script not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    bad = preview(admin_client, csv_file([[script, "A", "<b>mugs</b>", "1.00", "1", "yes"]]))
    assert "<b>mugs</b>" not in bad.content.decode()


@pytest.mark.parametrize("fmt", [CSV_FORMAT, XLSX_FORMAT])
def test_an_export_never_carries_a_formula_a_spreadsheet_would_run(admin_client, mugs, fmt):
    ProductFactory(sku="F-1", name='=HYPERLINK("http://evil.example","Click")', category=mugs)
    (row,) = export_rows(admin_client, fmt=fmt)
    assert not str(row["name"]).startswith("=")


@pytest.mark.parametrize(
    "name", ["../../../etc/passwd", "/etc/passwd", "..", "does-not-exist", "x" * 300]
)
def test_a_forged_confirm_reads_no_other_file_and_answers_cleanly(admin_client, mugs, name):
    page = preview(admin_client, csv_file([["OK-1", "Fine", "mugs", "1.00", "1", "yes"]]))
    form = page.context["confirm_form"]
    data = {field: form.initial[field] for field in form.fields}
    data["import_file_name"] = name
    before = written()

    response = admin_client.post(CONFIRM, data)

    assert response.status_code in (200, 400, 409)
    assert written() == before
    assert "root:" not in response.content.decode()
    # The real pending file is still there, and imports.
    assert confirm(admin_client, page).status_code == 302
    assert Product.objects.filter(sku="OK-1").exists()


def test_a_spreadsheet_cell_cannot_be_a_number_too_big_to_store(admin_client, mugs):
    before = written()
    page = preview(
        admin_client, xlsx_file([["BIG-1", "Big", "mugs", 1e300, 10**30, "yes"]]), XLSX_FORMAT
    )
    assert page.status_code == 200
    assert "confirm_form" not in page.context
    assert {line["line"] for line in page.context["preview"]["bad"]} == {2}
    assert written() == before
