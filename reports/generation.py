"""Generating a report's files: idempotent and retry-safe, run by reports.tasks."""

import logging
import uuid

from django.db import transaction
from django.utils import timezone

from reports.builders import BUILDERS
from reports.delivery import report_deliver
from reports.models import Report, ReportFile, ReportStatus
from reports.storage import report_file_write

logger = logging.getLogger(__name__)


def _report_claim(report_id: uuid.UUID | str) -> Report | None:
    """Mark the report running, unless it is done or another run is alive; None if so."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            logger.warning("Report %s to generate does not exist", report_id)
            return None
        if report.status == ReportStatus.SUCCEEDED:
            return None  # a retried or repeated invocation: the work is done
        if report.status == ReportStatus.RUNNING and not report.is_stuck:
            return None  # another invocation is on it
        report.status = ReportStatus.RUNNING
        report.started_at = timezone.now()
        report.finished_at = None
        report.error = ""
        report.attempts += 1
        report.save(update_fields=["status", "started_at", "finished_at", "error", "attempts"])
        return report


def report_generate(*, report_id: uuid.UUID | str) -> Report | None:
    """Build the report's files into the private storage, then email the links.

    Idempotent and safe to retry: a succeeded report is left alone, a failed or stuck one is
    built again from scratch (files are replaced), and any error leaves it failed with the
    error text instead of raising.
    """
    report = _report_claim(report_id)
    if report is None:
        return None
    try:
        built = []
        for kind in report.kinds:
            name = f"{report.pk}/{kind}.html"
            size = report_file_write(name=name, chunks=BUILDERS[kind](report))
            built.append((kind, name, size))
        with transaction.atomic():
            for kind, name, size in built:
                ReportFile.objects.update_or_create(
                    report=report, kind=kind, defaults={"storage_name": name, "size": size}
                )
            report.status = ReportStatus.SUCCEEDED
            report.finished_at = timezone.now()
            report.save(update_fields=["status", "finished_at"])
    except Exception as exc:
        logger.exception("Report %s failed", report.pk)
        report.status = ReportStatus.FAILED
        report.error = f"{type(exc).__name__}: {exc}"[:4000]
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "error", "finished_at"])
        return report
    try:
        report_deliver(report=report)
    except Exception:
        # The files are there and linked in the admin; a mail failure does not undo them.
        logger.exception("Report %s was built but its email could not be sent", report.pk)
    return report
