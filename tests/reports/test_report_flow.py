"""Request -> generation -> private S3 object -> SES email with links -> presigned download."""

import re
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
import requests
from django.utils import timezone

from reports.generation import report_generate
from reports.models import Report, ReportDownload, ReportStatus
from reports.services import report_request, report_rerun
from tests.factories import OrderFactory, ProductFactory, shop_time

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/reports/download/[^/\s\"]+/)")


def _links(message) -> list[str]:
    text = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    return LINK.findall(text.get_payload(decode=True).decode())


def test_request_generate_store_email_and_download(
    client,
    s3_reports,
    ses_outbox,
    report_viewer,
    recipient,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.SHOP_BASE_URL = "http://testserver"
    s3, bucket = s3_reports
    today = timezone.localdate()
    OrderFactory(lines=[(ProductFactory(price=Decimal("7.00")), 2)], placed_at=shop_time(today))
    client.force_login(report_viewer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/reports/",
            {
                "kinds": ["orders", "products"],
                "date_from": str(today),
                "date_to": str(today),
                "extra_recipients": ["boss@example.com"],
            },
            content_type="application/json",
        )

    assert response.status_code == 202, response.content
    report = Report.objects.get(pk=response.json()["id"])
    assert response.json()["status_url"] == f"/api/v1/reports/{report.pk}/"
    assert report.status == ReportStatus.SUCCEEDED
    # The objects are in the private bucket with the right content type.
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == [f"reports/{report.pk}/orders.html", f"reports/{report.pk}/products.html"]
    head = s3.head_object(Bucket=bucket, Key=keys[0])
    assert head["ContentType"] == "text/html; charset=utf-8"
    assert requests.get(f"{s3.meta.endpoint_url}/{bucket}/{keys[0]}", timeout=10).status_code == 403
    stored = s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read()
    assert b"14.00" in stored

    # SES got one email per recipient, each with a link per file.
    messages = ses_outbox()
    assert sorted(m["To"] for m in messages) == ["boss@example.com", "recipient@example.com"]
    boss = next(m for m in messages if m["To"] == "boss@example.com")
    links = _links(boss)
    assert len(links) == 2

    # The link checks its signature, records the download and redirects to a presigned URL.
    redirect = client.get(links[0])
    assert redirect.status_code == 302
    presigned = redirect["Location"]
    assert "X-Amz-Signature=" in presigned and "X-Amz-Expires=300" in presigned
    downloaded = requests.get(presigned, timeout=10)
    assert downloaded.status_code == 200
    assert downloaded.content == stored
    download = ReportDownload.objects.get()
    assert (download.email, download.file.kind) == ("boss@example.com", "orders")

    status = client.get(f"/api/v1/reports/{report.pk}/").json()
    assert status["status"] == "succeeded" and status["error"] == ""
    assert {f["kind"]: f["size"] for f in status["files"]} == {
        f.kind: f.size for f in report.files.all()
    }


def test_s3_failing_leaves_the_report_failed_and_a_rerun_succeeds(
    s3_reports, settings, django_capture_on_commit_callbacks
):
    s3, bucket = s3_reports

    def use_bucket(name):
        # Assigned anew, so that Django drops the storage it made with the old options.
        reports = settings.STORAGES["reports"]
        settings.STORAGES = {
            **settings.STORAGES,
            "reports": {**reports, "OPTIONS": {**reports["OPTIONS"], "bucket_name": name}},
        }

    use_bucket("no-such-bucket")
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(
            kinds=["orders"], date_from=date(2026, 1, 1), date_to=date(2026, 1, 2)
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "NoSuchBucket" in report.error
    assert not report.files.exists()

    use_bucket(bucket)
    with django_capture_on_commit_callbacks(execute=True):
        report_rerun(report=report)
    report.refresh_from_db()
    assert (report.status, report.error, report.attempts) == (ReportStatus.SUCCEEDED, "", 2)
    assert s3.head_object(Bucket=bucket, Key=f"reports/{report.pk}/orders.html")


def test_generation_is_idempotent_and_stuck_runs_are_taken_over(
    settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(
            kinds=["products"], date_from=date(2026, 1, 1), date_to=date(2026, 1, 1)
        )
    report.refresh_from_db()
    first_file = report.files.get()
    assert (report.status, report.attempts) == (ReportStatus.SUCCEEDED, 1)

    assert report_generate(report_id=report.pk) is None  # a repeated invocation does nothing
    report.refresh_from_db()
    assert report.attempts == 1 and report.files.get().created_at == first_file.created_at

    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, started_at=timezone.now()
    )
    assert report_generate(report_id=report.pk) is None  # a live run is left alone
    Report.objects.filter(pk=report.pk).update(
        started_at=timezone.now() - timedelta(minutes=settings.SHOP_REPORT_TIMEOUT_MINUTES + 1)
    )
    report.refresh_from_db()
    assert report.effective_status == ReportStatus.FAILED
    report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.SUCCEEDED, 2)


def _report_with_link(settings, capture, email="boss@example.com"):
    from reports.delivery import link_make

    settings.SHOP_BASE_URL = "http://testserver"
    with capture(execute=True):
        report = report_request(
            kinds=["orders"],
            date_from=date(2026, 1, 1),
            date_to=date(2026, 1, 1),
            extra_recipients=[email],
        )
    link = link_make(file=report.files.get(), email=email)
    return report, link.removeprefix("http://testserver")


def test_tampered_and_expired_links_are_refused(
    client, settings, django_capture_on_commit_callbacks
):
    _, link = _report_with_link(settings, django_capture_on_commit_callbacks)
    token = link.split("/")[-2]
    tampered = link.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    other_payload = link.replace(token.split(":")[0], "eyJmIjo5OTksImUiOiJ4QHkueiJ9")

    for bad in (tampered, other_payload, "/reports/download/garbage/"):
        assert client.get(bad).status_code == 403

    settings.SHOP_REPORT_LINK_DAYS = 0
    time.sleep(1.1)
    assert client.get(link).status_code == 403
    assert not ReportDownload.objects.exists()

    settings.SHOP_REPORT_LINK_DAYS = 7
    response = client.get(link)
    assert response.status_code == 200  # filesystem storage: streamed by the app
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"Orders report" in b"".join(response.streaming_content)
    assert ReportDownload.objects.count() == 1


def test_a_link_to_a_report_that_failed_later_is_refused(
    client, settings, django_capture_on_commit_callbacks
):
    report, link = _report_with_link(settings, django_capture_on_commit_callbacks)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED)
    assert client.get(link).status_code == 403
    assert not ReportDownload.objects.exists()
