"""Generating a report's files: idempotent and retry-safe, run by reports.tasks."""

import logging
import uuid

from django.db import transaction
from django.utils import timezone

from reports.builders import BUILDERS
from reports.delivery import report_emails_queue
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


def _still_ours(report: Report) -> bool:
    """Lock the report; whether this run is still the one it waits for. A run the stuck
    sweep took for dead (and queued again) may still finish: it then writes nothing."""
    current = Report.objects.select_for_update().get(pk=report.pk)
    if current.status == ReportStatus.RUNNING and current.started_at == report.started_at:
        return True
    logger.warning("Report %s: a later run took over from this one; its work is dropped", report.pk)
    return False


def report_generate(*, report_id: uuid.UUID | str) -> Report | None:
    """Build the report's files into the private storage; the links go out by email.

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
            if not _still_ours(report):
                return None
            for kind, name, size in built:
                ReportFile.objects.update_or_create(
                    report=report, kind=kind, defaults={"storage_name": name, "size": size}
                )
            report.status = ReportStatus.SUCCEEDED
            report.finished_at = timezone.now()
            report.save(update_fields=["status", "finished_at"])
            # With the files: the links go out once they are there, and only then.
            report_emails_queue(report=report)
    except Exception as exc:
        logger.exception("Report %s failed", report.pk)
        report.status = ReportStatus.FAILED
        report.error = f"{type(exc).__name__}: {exc}"[:4000]
        report.finished_at = timezone.now()
        # Only this run's own failure: a run that took over meanwhile is left to finish.
        Report.objects.filter(
            pk=report.pk, status=ReportStatus.RUNNING, started_at=report.started_at
        ).update(status=report.status, error=report.error, finished_at=report.finished_at)
        return report
    return report
