"""Reads on reports."""

import uuid

from django.db.models import QuerySet, Sum

from reports.errors import ReportNotFound
from reports.models import Report


def report_list() -> QuerySet[Report]:
    """Reports newest first, with their files and total size."""
    return (
        Report.objects.select_related("requested_by")
        .prefetch_related("files")
        .annotate(total_size=Sum("files__size"))
        .order_by("-created_at")
    )


def report_get(*, report_id: uuid.UUID | str) -> Report:
    """Return one report with its files, or raise ReportNotFound."""
    report = Report.objects.prefetch_related("files").filter(pk=report_id).first()
    if report is None:
        raise ReportNotFound()
    return report
