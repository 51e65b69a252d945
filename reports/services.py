"""Writes on reports: requesting, generating (idempotent, retry-safe), re-running, purging."""

import logging
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from reports.builders import BUILDERS
from reports.delivery import emails_unique, report_deliver
from reports.models import Report, ReportFile, ReportKind, ReportStatus
from reports.storage import report_file_write, reports_storage
from shop.errors import Conflict

logger = logging.getLogger(__name__)

MAX_EXTRA_RECIPIENTS = 20


class ReportNotRerunnable(Conflict):
    code = "report_not_rerunnable"
    default_message = "Only a failed report can be run again."


def _enqueue(report: Report) -> None:
    def run() -> None:
        # Imported here: zappa.asynchronous imports boto3, which a cold start need not pay for.
        from reports.tasks import report_generate_task

        report_generate_task(str(report.pk))

    transaction.on_commit(run, robust=True)


def _clean_request(
    kinds: Iterable[str], date_from: date, date_to: date, extra_recipients: Iterable[str]
) -> tuple[list[str], list[str]]:
    errors: dict[str, list[str]] = {}
    chosen = sorted(set(kinds))
    if not chosen or not set(chosen) <= set(ReportKind.values):
        errors["kinds"] = [f"Choose one or more of: {', '.join(ReportKind.values)}."]
    if date_from > date_to:
        errors["date_to"] = ["Must not be before date_from."]
    elif (date_to - date_from).days + 1 > settings.SHOP_REPORT_MAX_DAYS:
        errors["date_to"] = [f"A report covers at most {settings.SHOP_REPORT_MAX_DAYS} days."]
    if date_from > timezone.localdate():
        errors["date_from"] = ["Must not be in the future."]
    valid: list[str] = []
    for email in extra_recipients:
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("extra_recipients", []).append(f"Not an email address: {email!r}.")
            continue
        valid.append(email)
    emails = emails_unique(valid)
    if len(emails) > MAX_EXTRA_RECIPIENTS:
        errors.setdefault("extra_recipients", []).append(
            f"At most {MAX_EXTRA_RECIPIENTS} extra recipients."
        )
    if errors:
        raise ValidationError(errors)
    return chosen, emails


@transaction.atomic
def report_request(
    *,
    kinds: Iterable[str],
    date_from: date,
    date_to: date,
    requested_by=None,
    extra_recipients: Iterable[str] = (),
) -> Report:
    """Queue a report; it is generated in the background once this transaction commits."""
    chosen, emails = _clean_request(kinds, date_from, date_to, extra_recipients)
    report = Report.objects.create(
        kinds=chosen,
        date_from=date_from,
        date_to=date_to,
        requested_by=requested_by,
        extra_recipients=emails,
    )
    _enqueue(report)
    return report


def _report_claim(report_id) -> Report | None:
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


def report_generate(*, report_id) -> Report | None:
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


@transaction.atomic
def report_rerun(*, report: Report) -> Report:
    """Queue a failed (or stuck) report again."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.effective_status != ReportStatus.FAILED:
        raise ReportNotRerunnable(details={"id": str(locked.pk), "status": locked.status})
    locked.status = ReportStatus.QUEUED
    locked.save(update_fields=["status"])
    _enqueue(locked)
    return locked


def report_request_daily() -> Report:
    """Queue yesterday's orders and products report for the Report recipients group."""
    yesterday = timezone.localdate() - timedelta(days=1)
    return report_request(kinds=ReportKind.values, date_from=yesterday, date_to=yesterday)


def reports_purge(*, older_than_days: int | None = None) -> int:
    """Delete reports (their files first) requested longer ago than the retention."""
    days = settings.SHOP_REPORT_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    storage = reports_storage()
    purged = 0
    for report in Report.objects.filter(created_at__lt=cutoff).prefetch_related("files"):
        for file in report.files.all():
            storage.delete(file.storage_name)
        report.delete()
        purged += 1
    return purged
