"""Reports when S3 fails or a run dies: failed with the reason, run again by the sweep, and
the links emailed once, only when the files are there."""

import time
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from reports import generation
from reports.models import Report, ReportStatus
from reports.schedules import rerun_stuck_reports
from reports.services import report_request, report_rerun
from shop.models import OutboundEmail
from tests.factories import StaffFactory
from tests.faults.flaky import FlakyProxy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def recipient(db):
    user = StaffFactory(email="recipient@example.com")
    # get_or_create: a transactional test starts with the tables emptied, groups included.
    user.groups.add(Group.objects.get_or_create(name="Report recipients")[0])
    return user


@pytest.fixture
def flaky_s3(s3_reports, moto_url, settings):
    s3, bucket = s3_reports
    proxy = FlakyProxy(moto_url)
    reports = settings.STORAGES["reports"]
    settings.STORAGES = {
        **settings.STORAGES,
        "reports": {**reports, "OPTIONS": {**reports["OPTIONS"], "endpoint_url": proxy.url}},
    }
    yield proxy, s3, bucket
    proxy.stop()


def _request() -> Report:
    return report_request(kinds=["products"], date_from=date(2026, 1, 1), date_to=date(2026, 1, 1))


def _links_emails() -> list[str]:
    return list(OutboundEmail.objects.filter(kind="report.ready").values_list("to", flat=True))


@pytest.mark.parametrize("fault", ["failing", "silent"])
def test_s3_failing_during_a_report_fails_it_in_seconds_and_emails_nothing(
    flaky_s3, recipient, settings, mailoutbox, fault
):
    proxy, s3, bucket = flaky_s3
    settings.SHOP_AWS_READ_TIMEOUT_SECONDS = 1
    setattr(proxy, fault, True)
    started = time.monotonic()
    report = _request()
    assert time.monotonic() - started < 20  # two tries, never botocore's 60 s each
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    expected = "serviceunavailable" if fault == "failing" else "timeout"
    assert expected in report.error.lower(), report.error
    assert not report.files.exists()
    assert _links_emails() == [] and mailoutbox == []

    setattr(proxy, fault, False)
    report_rerun(report=report)
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.SUCCEEDED, 2)
    assert s3.head_object(Bucket=bucket, Key=f"reports/{report.pk}/products.html")
    assert _links_emails() == ["recipient@example.com"]
    assert [m.to for m in mailoutbox] == [["recipient@example.com"]]


def _stuck(report: Report, settings) -> None:
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING,
        started_at=timezone.now() - timedelta(minutes=settings.SHOP_REPORT_TIMEOUT_MINUTES + 1),
    )


def test_a_report_whose_run_died_is_run_again_by_the_sweep(recipient, settings, mailoutbox):
    report = _request()
    Report.objects.filter(pk=report.pk).update(attempts=1)
    OutboundEmail.objects.all().delete()
    mailoutbox.clear()
    report.files.all().delete()
    _stuck(report, settings)
    # Not stuck yet: left alone.
    Report.objects.filter(pk=report.pk).update(started_at=timezone.now())
    assert rerun_stuck_reports() == {"queued": 0, "given_up": 0}
    _stuck(report, settings)

    assert rerun_stuck_reports() == {"queued": 1, "given_up": 0}
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.SUCCEEDED, 2)
    assert report.files.count() == 1
    assert _links_emails() == ["recipient@example.com"]
    assert rerun_stuck_reports() == {"queued": 0, "given_up": 0}


def test_after_the_last_run_the_sweep_marks_it_failed_with_the_reason(recipient, settings):
    report = _request()
    _stuck(report, settings)
    Report.objects.filter(pk=report.pk).update(attempts=settings.SHOP_REPORT_MAX_ATTEMPTS)
    assert rerun_stuck_reports() == {"queued": 0, "given_up": 1}
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "Did not finish within 15 minutes, 3 time(s)" in report.error


def test_a_run_taken_for_dead_that_finishes_after_all_writes_nothing(
    recipient, settings, monkeypatch, mailoutbox
):
    # The first run is slow, not dead: while it builds, the sweep takes it for stuck and
    # a second run does the work. The first then finds the report no longer its own.
    build = generation.BUILDERS["products"]
    runs = []

    def slow_first(report):
        runs.append(report.started_at)
        if len(runs) == 1:
            _stuck(report, settings)
            assert rerun_stuck_reports() == {"queued": 1, "given_up": 0}
        return build(report)

    monkeypatch.setitem(generation.BUILDERS, "products", slow_first)
    report = _request()
    report.refresh_from_db()
    assert len(runs) == 2
    assert (report.status, report.attempts) == (ReportStatus.SUCCEEDED, 2)
    assert report.files.count() == 1
    assert _links_emails() == ["recipient@example.com"]  # once, by the run that finished
    assert len(mailoutbox) == 1


def test_readiness_names_storage_that_does_not_answer(flaky_s3, client, settings):
    proxy, _, _ = flaky_s3
    settings.SHOP_AWS_READ_TIMEOUT_SECONDS = 1
    assert client.get("/readyz").status_code == 200
    proxy.silent = True
    started = time.monotonic()
    answer = client.get("/readyz")
    assert time.monotonic() - started < 20
    assert answer.status_code == 503
    assert set(answer.json()["error"]["details"]) == {"storage"}
