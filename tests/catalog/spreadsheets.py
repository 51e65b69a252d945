"""Helpers of the catalog import tests: files to upload, the admin's import steps."""

import csv
import io

import openpyxl
from django.contrib.admin.models import LogEntry

from catalog.models import Product, StockAdjustment

IMPORT = "/admin/catalog/product/import/"
CONFIRM = "/admin/catalog/product/process_import/"
EXPORT = "/admin/catalog/product/export/"
CSV_FORMAT, XLSX_FORMAT = "0", "1"
HEADER = ["sku", "name", "category", "price", "stock", "active"]


def csv_file(rows, header=HEADER, name="products.csv") -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    upload = io.BytesIO(text.getvalue().encode())
    upload.name = name
    return upload


def xlsx_file(rows, header=HEADER) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "products.xlsx"
    return upload


def preview(client, upload, fmt=CSV_FORMAT):
    return client.post(IMPORT, {"format": fmt, "import_file": upload, "resource": ""})


def confirm(client, previewed):
    form = previewed.context["confirm_form"]
    return client.post(CONFIRM, {name: form.initial[name] for name in form.fields})


def export_rows(client, query="", fmt=CSV_FORMAT) -> list[dict]:
    page = client.get(EXPORT + query)
    assert page.status_code == 200
    form = page.context["form"]
    data = {"format": fmt, "resource": "0"}
    data.update({name: "on" for name, field in form.fields.items() if field.initial is True})
    response = client.post(EXPORT + query, data)
    assert response.status_code == 200, response.content[:500]
    assert "attachment" in response["Content-Disposition"]
    if fmt == XLSX_FORMAT:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        values = list(sheet.values)
        return [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def written() -> tuple:
    """Everything an import could write: compared before and after a refused one."""
    return (
        sorted(Product.objects.values_list("sku", "name", "price", "stock", "is_active")),
        StockAdjustment.objects.count(),
        LogEntry.objects.count(),
    )
