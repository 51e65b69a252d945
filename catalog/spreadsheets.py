"""Products as spreadsheets in the admin: import (preview first, all or nothing), export.

Mixed into ProductAdmin on first use of its import and export URLs (catalog.admin), never
at start up: django-import-export brings tablib, openpyxl and PyYAML with it.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from catalog.imports import COLUMNS, ProductResource, import_preview, spreadsheet_problem
from catalog.models import PendingImport


class ProductImportForm(ImportForm):
    """The file to import: refused before it is read when too big or not what it says."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.shop_formats = formats

    def clean(self):
        data = super().clean()
        upload, chosen = data.get("import_file"), data.get("format")
        if upload is not None and chosen not in (None, ""):
            fmt = self.shop_formats[int(chosen)]
            problem = spreadsheet_problem(upload, binary=fmt().is_binary())
            if problem:
                self.add_error("import_file", problem)
        return data


# How long a preview can be confirmed (the storage drops its file after a day, too).
PENDING_FOR = timedelta(hours=12)


class SpreadsheetsMixin(ImportExportMixin):
    """Import (preview first, all or nothing) and export of the filtered list: CSV or XLSX."""

    formats = [CSV, XLSX]
    import_form_class = ProductImportForm
    # One entry in the admin's history per imported row, as for an edit by hand.
    skip_admin_log = False
    resource_classes = [ProductResource]
    import_template_name = "admin/catalog/product/import.html"

    def get_import_context_data(self, **kwargs):
        return {"columns": COLUMNS}

    def has_import_permission(self, request):
        return self.has_spreadsheet_import_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def import_action(self, request, **kwargs):
        response = _with_preview(super().import_action(request, **kwargs))
        confirm_form = (getattr(response, "context_data", None) or {}).get("confirm_form")
        if confirm_form is not None:
            # The claim its confirm takes (PendingImport); a day's old claims go meanwhile.
            PendingImport.objects.filter(created_at__lt=timezone.now() - PENDING_FOR).delete()
            PendingImport.objects.create(
                name=confirm_form.initial["import_file_name"], created_by=request.user
            )
        return response

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """Confirm a previewed file: once, by whoever previewed it, while it waits.

        A second click, a second tab or a forged name finds no claim to take and imports
        nothing; the claim is taken in the import's transaction, so two confirms at once
        wait for each other and the second finds it taken.
        """
        if not self.has_import_permission(request):
            raise PermissionDenied
        name = request.POST.get("import_file_name", "")
        with transaction.atomic():
            claimed = PendingImport.objects.filter(
                name=name,
                created_by=request.user,
                confirmed_at__isnull=True,
                created_at__gte=timezone.now() - PENDING_FOR,
            ).update(confirmed_at=timezone.now())
            if not claimed:
                return self._import_page(
                    request,
                    title="Nothing imported",
                    status=409,
                    expired=(
                        "Nothing was imported: this preview was confirmed already, or is "
                        "too old. Choose the file again to see a fresh preview."
                    ),
                )
            return super().process_import(request, **kwargs)

    def _import_page(self, request, *, title: str, status: int, **context):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "form": self.get_import_form_class(request)(
                self.get_import_formats(), self.get_import_resource_classes(request)
            ),
            "import_error_display": self.import_error_display,
            **context,
        }
        response = TemplateResponse(request, [self.import_template_name], context, status=status)
        return _with_preview(response)

    def process_dataset(self, dataset, form, request, **kwargs):
        # A row that turned bad since the preview (stock sold meanwhile) undoes them all.
        return super().process_dataset(
            dataset, form, request, rollback_on_validation_errors=True, **kwargs
        )

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            return self._import_page(
                request,
                title="Nothing imported",
                status=409,
                result=result,
                refused_on_confirm=True,
            )
        return super().process_result(result, request)


def _with_preview(response):
    """The import page, with its result laid out for the eye (catalog.imports)."""
    context = getattr(response, "context_data", None)
    if context and context.get("result") is not None:
        context["preview"] = preview = import_preview(context["result"])
        context["changes_html"] = changes_html(preview["changes"])
    return response


def changes_html(changes: list[dict]) -> str:
    """The preview's table rows, one a changed product: built here, not by a template loop.

    A 10,000-row file is 10,000 rows and some 70,000 changes: the template language takes
    seconds over them, this a fraction of one. Every value is escaped.
    """
    lines = []
    for row in changes:
        items = "".join(
            f'<li><span class="what">{escape(what)}:</span> '
            + (f'<span class="was">{escape(before)}</span> &rarr; ' if before else "")
            + (escape(after) if after else "(empty)")
            + "</li>"
            for what, before, after in row["changes"]
        )
        kind = "new" if row["kind"] == "new" else "update"
        lines.append(
            f'<tr><td class="line">{row["line"]:d}</td>'
            f'<td class="kind"><span class="pill {kind}">{kind}</span></td>'
            f'<td class="sku">{escape(row["sku"])}</td>'
            f'<td><ul class="changes">{items}</ul></td></tr>'
        )
    return mark_safe("\n".join(lines))  # each value escaped above
