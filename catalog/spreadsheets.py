"""Products as spreadsheets in the admin: import (preview first, all or nothing), export.

Mixed into ProductAdmin on first use of its import and export URLs (catalog.admin), never
at start up: django-import-export brings tablib, openpyxl and PyYAML with it.
"""

from django.template.response import TemplateResponse
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from catalog.imports import COLUMNS, ProductResource, import_preview, spreadsheet_problem


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
        return _with_preview(super().import_action(request, **kwargs))

    def process_dataset(self, dataset, form, request, **kwargs):
        # A row that turned bad since the preview (stock sold meanwhile) undoes them all.
        return super().process_dataset(
            dataset, form, request, rollback_on_validation_errors=True, **kwargs
        )

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            context = {
                **self.admin_site.each_context(request),
                "title": "Nothing imported",
                "opts": self.opts,
                "form": self.get_import_form_class(request)(
                    self.get_import_formats(), self.get_import_resource_classes(request)
                ),
                "result": result,
                "refused_on_confirm": True,
                "import_error_display": self.import_error_display,
            }
            response = TemplateResponse(request, [self.import_template_name], context, status=409)
            return _with_preview(response)
        return super().process_result(result, request)


def _with_preview(response):
    """The import page, with its result laid out for the eye (catalog.imports)."""
    context = getattr(response, "context_data", None)
    if context and context.get("result") is not None:
        context["preview"] = import_preview(context["result"])
    return response
