"""Writes on reports: requesting, re-running, purging (generation is reports.generation)."""

import logging
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from reports.delivery import domain_allowed, emails_unique
from reports.errors import ReportNotRerunnable
from reports.models import Report, ReportKind, ReportStatus
from reports.storage import reports_storage
from shop.background import task_after_commit
from shop.models import User

logger = logging.getLogger(__name__)

MAX_EXTRA_RECIPIENTS = 20


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
        if not domain_allowed(email):
            allowed = ", ".join(settings.SHOP_REPORT_RECIPIENT_DOMAINS)
            errors.setdefault("extra_recipients", []).append(
                f"Reports go only to addresses at {allowed}, not {email!r}."
            )
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
    requested_by: User | None = None,
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
    task_after_commit("reports.tasks.report_generate_task", str(report.pk))
    if requested_by is not None:
        _logged(report, requested_by, ADDITION, f"Requested: {', '.join(chosen)}.")
    return report


def _logged(report: Report, by: User, flag: int, message: str) -> None:
    """Put an employee's action on the report's History page (the admin's log)."""
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[report], action_flag=flag, change_message=message
    )


@transaction.atomic
def report_rerun(*, report: Report, by: User | None = None) -> Report:
    """Queue a failed (or stuck) report again."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.effective_status != ReportStatus.FAILED:
        raise ReportNotRerunnable(details={"id": str(locked.pk), "status": locked.status})
    locked.status = ReportStatus.QUEUED
    locked.save(update_fields=["status"])
    task_after_commit("reports.tasks.report_generate_task", str(locked.pk))
    if by is not None:
        _logged(locked, by, CHANGE, "Run again.")
    return locked


@transaction.atomic
def report_links_revoke(*, report: Report, by: User | None = None) -> Report:
    """Make every emailed link of a report stop working (the admin still opens its files)."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.links_revoked_at is None:
        locked.links_revoked_at = timezone.now()
        locked.save(update_fields=["links_revoked_at"])
        if by is not None:
            _logged(locked, by, CHANGE, "Revoked the emailed links.")
    return locked


def reports_rerun_stuck() -> tuple[int, int]:
    """Queue again the reports whose run died (running past SHOP_REPORT_TIMEOUT_MINUTES);
    after SHOP_REPORT_MAX_ATTEMPTS runs, mark them failed with the reason instead.

    Returns (queued again, given up). Each report is taken with a conditional UPDATE on the
    run it saw, so two sweeps, or a sweep and a run finishing at that moment, never both act.
    """
    now = timezone.now()
    limit = timedelta(minutes=settings.SHOP_REPORT_TIMEOUT_MINUTES)
    stuck = Report.objects.filter(status=ReportStatus.RUNNING, started_at__lt=now - limit)
    queued = given_up = 0
    for pk, started_at, attempts in stuck.values_list("pk", "started_at", "attempts"):
        same_run = Report.objects.filter(pk=pk, status=ReportStatus.RUNNING, started_at=started_at)
        if attempts >= settings.SHOP_REPORT_MAX_ATTEMPTS:
            given_up += same_run.update(
                status=ReportStatus.FAILED,
                finished_at=now,
                error=(
                    f"Did not finish within {settings.SHOP_REPORT_TIMEOUT_MINUTES} minutes, "
                    f"{attempts} time(s): given up. Run it again from the admin."
                ),
            )
            continue
        with transaction.atomic():
            if same_run.update(status=ReportStatus.QUEUED):
                queued += 1
                task_after_commit("reports.tasks.report_generate_task", str(pk))
    if queued or given_up:
        logger.warning("Stuck reports: %s queued again, %s given up", queued, given_up)
    return queued, given_up


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
