"""The catalog as a spreadsheet: products exported and imported as CSV or XLSX.

One row a product, found by its SKU; its category by slug. An import writes through the
catalog's services (product_create, product_update), so it validates like the admin's form,
and its stock never as a number: each row's change of stock is an adjustment through
product_stock_adjust (kind "import", reason "import"), added to the stock as it is when the
import runs, so sales made meanwhile are kept.

The stock columns:

* ``stock``: the units on hand. In an exported file, also ``stock_when_exported``: the stock
  when the file was made. Leave that column as it is: the import adds the difference the
  employee made (``stock`` minus ``stock_when_exported``), so a file exported this morning
  and imported tonight does not bring back the units sold in between (a stale file).
* Without ``stock_when_exported`` (a file of its own, a stock count), ``stock`` is what was
  counted: the import adds the difference from the stock at that moment.
"""

import zipfile
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader

from catalog.errors import StockBelowZero
from catalog.models import Category, Product
from catalog.services import EDITABLE, EDITABLE_ATTNAMES, products_import

STOCK_REASON = "import"
# What an import may change on a product, besides its stock (never its image).
IMPORTED = tuple(name for name in EDITABLE if name != "image")


def _text(value: Any) -> str:
    """A cell as text: CSV gives strings, XLSX numbers and None."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class PriceWidget(widgets.Widget):
    """A price like 12.50: a point for the decimals, no currency sign, no grouping."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        try:
            price = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"'{text}' is not a price: write it like 12.50.") from None
        if not price.is_finite():
            raise ValueError(f"'{text}' is not a price: write it like 12.50.")
        return price

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value:.2f}"


class WholeNumberWidget(widgets.Widget):
    """A whole number of units, 0 or more; empty is none."""

    def clean(self, value, row=None, **kwargs):
        return whole_number(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def whole_number(value: Any) -> int | None:
    text = _text(value)
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"'{text}' is not a whole number of units (0 or more).")
    return int(text)


class YesNoWidget(widgets.Widget):
    """Shown in the shop or not: yes or no (also true/false, 1/0); nothing else."""

    YES = {"yes", "y", "true", "1"}
    NO = {"no", "n", "false", "0"}

    def clean(self, value, row=None, **kwargs):
        text = _text(value).lower()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(f"'{_text(value)}' is neither yes nor no.")

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


class CategoryWidget(widgets.ForeignKeyWidget):
    """A category by its slug; the categories are read once per import, not once a row."""

    def __init__(self) -> None:
        super().__init__(Category, field="slug")
        self._by_slug: dict[str, Category] | None = None

    def clean(self, value, row=None, **kwargs):
        slug = _text(value)
        if not slug:
            raise ValueError("Give the category's slug.")
        if self._by_slug is None:
            self._by_slug = {category.slug: category for category in Category.objects.all()}
        try:
            return self._by_slug[slug]
        except KeyError:
            raise ValueError(f"No category with the slug '{slug}'.") from None


class ProductResource(resources.ModelResource):
    sku = fields.Field(attribute="sku", column_name="sku")
    name = fields.Field(attribute="name", column_name="name")
    slug = fields.Field(attribute="slug", column_name="slug")
    category = fields.Field(attribute="category", column_name="category", widget=CategoryWidget())
    price = fields.Field(attribute="price", column_name="price", widget=PriceWidget())
    # Read-only here: the stock is applied by _stock_delta as an adjustment, never set.
    stock = fields.Field(
        attribute="stock", column_name="stock", widget=WholeNumberWidget(), readonly=True
    )
    stock_when_exported = fields.Field(
        attribute="stock",
        column_name="stock_when_exported",
        widget=WholeNumberWidget(),
        readonly=True,
    )
    is_active = fields.Field(attribute="is_active", column_name="active", widget=YesNoWidget())
    low_stock_threshold = fields.Field(
        attribute="low_stock_threshold",
        column_name="low_stock_threshold",
        widget=WholeNumberWidget(),
    )
    description = fields.Field(attribute="description", column_name="description")

    class Meta:
        model = Product
        fields = (
            "sku",
            "name",
            "slug",
            "category",
            "price",
            "stock",
            "stock_when_exported",
            "is_active",
            "low_stock_threshold",
            "description",
        )
        import_id_fields = ("sku",)
        # One query for the file's existing products, not one a row.
        instance_loader_class = CachedInstanceLoader
        # Checked by import_instance, without a query a row; written by products_import.
        clean_model_instances = False
        use_bulk = True
        skip_diff = True
        skip_unchanged = True
        report_skipped = False
        store_instance = True
        # Kept for the preview's lines of rows that failed.
        store_row_values = True

    user = None

    def get_queryset(self):
        return Product.objects.select_related("category")

    def import_data(self, dataset, *args, **kwargs):
        """Refuse a whole file that cannot be a product list before reading any row."""
        problem = file_problem(dataset)
        if problem:
            result = self.get_result_class()()
            result.append_base_error(self.get_error_result_class()(ValidationError(problem)))
            return result
        return super().import_data(dataset, *args, **kwargs)

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        # The catalog's slugs, once: each row is checked against them and the file's others.
        self._slugs = dict(Product.objects.values_list("slug", "pk"))
        self._lines: dict[tuple[str, str], int] = {}  # (column, value) -> first line
        self._created: list[Product] = []
        self._changed: list[tuple[Product, list[str]]] = []
        self._stock: list[tuple[Product, int]] = []

    def import_instance(self, instance, row, **kwargs):
        """Set the row's fields and check them, without a query; every bad cell at once.

        The checks of the admin's form (product_create's full_clean) on the fields, and SKU
        and slug unique in the catalog and in the file; the stock change worked out and
        checked against the stock on hand.
        """
        before = {name: getattr(instance, EDITABLE_ATTNAMES[name]) for name in IMPORTED}
        instance.import_shown = (
            {} if instance.pk is None else {n: _shown(instance, n) for n in SHOWN}
        )
        errors: dict[str, Any] = {}
        instance.import_delta = 0
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if instance.pk is None and not instance.slug and instance.name:
            instance.slug = _slug_for(instance.name)
        try:
            instance.import_delta = self._stock_delta(instance, row)
        except ValueError as error:
            errors["stock"] = [str(error)]
        instance.import_changed = [
            name for name in IMPORTED if getattr(instance, EDITABLE_ATTNAMES[name]) != before[name]
        ]
        try:
            # The category is one of the catalog's already (CategoryWidget); the stock and
            # the unique fields are checked below, against the whole file.
            instance.full_clean(
                exclude=["stock", "category", *errors],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = _worded(error, errors, new=instance.pk is None)
        if instance.category_id is None and "category" not in errors:
            errors["category"] = ["A new product needs its category."]
        line = kwargs.get("row_number", 0) + 1
        for name, problem in self._clashes(instance, line):
            errors.setdefault(name, []).append(problem)
        if not errors.get("stock") and instance.stock + instance.import_delta < 0:
            errors["stock"] = [
                f"Only {instance.stock} in stock: cannot take away {-instance.import_delta}."
            ]
        if errors:
            raise ValidationError(errors)

    def _clashes(self, product: Product, line: int) -> list[tuple[str, str]]:
        """The row's SKU and slug, if another product has them, or another line of the file."""
        clashes = []
        if product.slug and self._slugs.get(product.slug, product.pk) != product.pk:
            clashes.append(("slug", f"Another product has the slug '{product.slug}'."))
        for name in ("sku", "slug"):
            value = getattr(product, name)
            if not value:
                continue
            first = self._lines.setdefault((name, value), line)
            if first != line:
                clashes.append((name, f"Line {first} has this {LABELS[name]} too."))
        return clashes

    @staticmethod
    def _stock_delta(product: Product, row: dict) -> int:
        """How many units the row adds (or, negative, takes away)."""
        if "stock" not in row:
            return 0
        stock = whole_number(row["stock"])
        if stock is None:
            return 0
        if product.pk is None:
            return stock
        exported = whole_number(row.get("stock_when_exported"))
        if exported is not None:
            return stock - exported
        return stock - product.stock

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None:
            return False
        return not instance.import_changed and not instance.import_delta

    def save_instance(self, instance, is_create, row, **kwargs):
        """Keep the checked row: the file's rows are written together, by after_import."""
        if is_create:
            self._created.append(instance)
        elif instance.import_changed:
            self._changed.append((instance, instance.import_changed))
        if instance.import_delta:
            self._stock.append((instance, instance.import_delta))

    def after_import(self, dataset, result, **kwargs):
        """Write every row at once (products_import), or none when a row is bad.

        The preview (a dry run) writes too, then rolls back: what it shows has been through
        the database's own checks. The stock is checked again as it is now: units sold since
        the preview refuse the whole import (StockBelowZero, shown as the file's error).
        """
        if result.has_validation_errors() or result.has_errors():
            return
        try:
            products_import(
                created=self._created,
                changed=self._changed,
                stock=self._stock,
                reason=STOCK_REASON,
                by=self.user,
            )
        except StockBelowZero as refused:
            raise ValidationError(refused.message) from None

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        result.number = kwargs.get("row_number")
        result.changes = _changes(result)
        return result


def spreadsheet_problem(upload, *, binary: bool) -> str:
    """Why an uploaded file is refused before it is parsed, or "".

    Too big a file, or an XLSX (a zip) that would unpack to far more than its size: a zip
    bomb would take the worker's memory before the first row.
    """
    if upload.size > settings.SHOP_IMPORT_MAX_BYTES:
        return (
            f"The file is {upload.size / 2**20:.1f} MB: import at most "
            f"{settings.SHOP_IMPORT_MAX_BYTES / 2**20:.0f} MB at a time."
        )
    if not binary:
        return ""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "This is not an XLSX file: save the spreadsheet as .xlsx, or choose CSV."
    finally:
        upload.seek(0)
    if unpacked > settings.SHOP_IMPORT_MAX_UNPACKED_BYTES:
        return "This XLSX file unpacks to far more than a product list: it is refused."
    return ""


def file_problem(dataset) -> str:
    """Why a whole file cannot be imported, or ""."""
    limit = settings.SHOP_IMPORT_MAX_ROWS
    if len(dataset) > limit:
        return f"The file has {len(dataset):,} rows: import at most {limit:,} at a time."
    headers = [_text(header) for header in dataset.headers or []]
    if "sku" not in headers:
        return "The file has no 'sku' column: each row's product is found by its SKU."
    unknown = sorted(set(headers) - set(COLUMNS) - {""})
    if unknown:
        return f"Unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(COLUMNS)}."
    return ""


def _worded(error: ValidationError, errors: dict, *, new: bool) -> dict:
    """The model's errors added to `errors`, a missing value said as an employee would."""
    missing = {
        name
        for name, problems in error.error_dict.items()
        if all(problem.code in ("null", "blank", "required") for problem in problems)
    }
    for name, problems in error.error_dict.items():
        if name == "slug" and "name" in missing:
            continue  # the slug comes from the name: one message for both
        if name in missing:
            label = LABELS.get(name, name)
            what = "A new product needs" if new else "Give"
            errors.setdefault(name, []).append(f"{what} its {label}.")
        else:
            errors.setdefault(name, []).extend(problems)
    return errors


def _slug_for(name: str) -> str:
    slug = slugify(name)[:200]
    # A letter at least: all-digit slugs are ids (Product.slug's validator).
    return slug if any(c.isalpha() for c in slug) else f"product-{slug}".strip("-")


COLUMNS = tuple(field.column_name for field in ProductResource().get_export_fields())

# The preview's wording for each column.
LABELS = {
    "sku": "SKU",
    "name": "name",
    "slug": "slug",
    "category": "category",
    "price": "price",
    "stock": "stock",
    "is_active": "shown in the shop",
    "low_stock_threshold": "low-stock threshold",
    "description": "description",
}


# In the preview, in the file's order.
SHOWN = tuple(LABELS)


def _shown(product: Product, name: str) -> str:
    """A product's value as the preview shows it (its category by slug, a price as 12.50)."""
    if name == "category":
        return product.category.slug if product.category_id else ""
    value = getattr(product, name)
    match name:
        case "price":
            return f"{value:.2f}" if value is not None else ""
        case "is_active":
            return "yes" if value else "no"
        case "description":
            return value if len(value) <= 80 else value[:79] + "…"
    return "" if value is None else str(value)


def _changes(result) -> list[tuple[str, str, str]]:
    """(what, before, after) of each value the row changes, for the preview."""
    product = result.instance
    if product is None or result.import_type not in ("new", "update"):
        return []
    new = result.import_type == "new"
    before = {} if new else product.import_shown
    changes = []
    for name in SHOWN:
        if name == "stock":
            after = str(product.stock + product.import_delta)
            if new or product.import_delta:
                changes.append((LABELS[name], before.get(name, ""), after))
            continue
        after = _shown(product, name)
        if (new and after) or (not new and name in product.import_changed):
            changes.append((LABELS[name], before.get(name, ""), after))
    return changes


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return f"This row could not be imported ({type(error).__name__})."


def import_preview(result) -> dict:
    """What the import page shows of a result: every change, every bad row and why.

    Lines are the spreadsheet's: the header is line 1, the first product line 2.
    """
    headers = list(result.diff_headers)
    sku_at = headers.index("sku") if "sku" in headers else None
    bad = [
        {
            "line": row.number + 1,
            "sku": row.values[sku_at] if sku_at is not None else "",
            "problems": [
                (LABELS.get(field, field) if field != "__all__" else "", message)
                for field, messages in row.error_dict.items()
                for message in messages
            ],
        }
        for row in result.invalid_rows
    ]
    bad += [
        {
            "line": row.number + 1,
            "sku": _text(row.row_values.get("sku")) if row.row_values else "",
            "problems": [("", _message(error.error)) for error in row.errors],
        }
        for row in result.rows
        if row.errors
    ]
    changes = [
        {
            "line": row.number + 1,
            "kind": row.import_type,
            "sku": row.instance.sku,
            "changes": row.changes,
        }
        for row in result.valid_rows()
        if row.import_type in ("new", "update")
    ]
    return {
        "file_errors": [_message(error.error) for error in result.base_errors],
        "bad": sorted(bad, key=lambda row: row["line"]),
        "changes": changes,
        "new": result.totals["new"],
        "updated": result.totals["update"],
        "unchanged": result.totals["skip"],
        "rows": result.total_rows,
    }
