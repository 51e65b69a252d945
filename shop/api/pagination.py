"""Page-number pagination that refuses malformed paging instead of guessing."""

from typing import Any

from django.core.exceptions import ValidationError
from rest_framework import pagination
from rest_framework.request import Request


def whole_number(raw: str, *, name: str, low: int, high: int) -> int:
    """Return `raw` as an int from `low` to `high`, or refuse it (400 naming `name`).

    Only ASCII digits: `str.isdigit()` also accepts "²" and "①", which `int()` refuses, and
    `int()` itself accepts " 1 ", "+1", "1_0" and Arabic or full-width digits.
    """
    if not (raw.isascii() and raw.isdigit() and len(raw) <= len(str(high))) or not (
        low <= int(raw) <= high
    ):
        raise ValidationError({name: [f"Must be a whole number from {low} to {high}."]})
    return int(raw)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100
    max_page = 1_000_000

    def get_page_size(self, request: Request) -> int:
        """Return the requested page size, or refuse one outside 1..max_page_size."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size or 1
        return whole_number(raw, name=self.page_size_query_param, low=1, high=self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        """Refuse a page number that is not a whole number from 1 (an empty page is a 404)."""
        raw = request.query_params.get(self.page_query_param)
        if raw is not None:
            whole_number(raw, name=self.page_query_param, low=1, high=self.max_page)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        bounds = {self.page_query_param: self.max_page, self.page_size_query_param: None}
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            high = bounds.get(parameter["name"]) or self.max_page_size
            parameter["schema"] = {
                "type": "integer",
                "minimum": 1,
                "maximum": high,
                **({"default": self.page_size} if parameter["name"] != "page" else {}),
            }
            parameter["example"] = 1
        return parameters
