"""Who may request and see reports (admin and API); validation; schedules; purge."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from reports.models import Report, ReportKind, ReportStatus
from reports.services import report_request
from tests.factories import OrderFactory, ProductFactory, StaffFactory, SuperuserFactory, shop_time

pytestmark = pytest.mark.django_db

BODY = {"kinds": ["orders"], "date_from": "2026-01-01", "date_to": "2026-01-31"}


def _member(group: str):
    user = StaffFactory()
    user.groups.add(Group.objects.get(name=group))
    return user


def test_api_permission_matrix(client, api_client, customer_client, report_viewer):
    report = Report.objects.create(
        kinds=["orders"], date_from=date(2026, 1, 1), date_to=date(2026, 1, 1)
    )
    detail = f"/api/v1/reports/{report.pk}/"

    anonymous = api_client.post("/api/v1/reports/", BODY, format="json")
    assert anonymous.status_code == 401
    customer = customer_client()
    assert customer.post("/api/v1/reports/", BODY, format="json").status_code == 403
    assert customer.get(detail).status_code == 403
    for user in (StaffFactory(), _member("Order managers"), _member("Catalog managers")):
        client.force_login(user)
        assert (
            client.post("/api/v1/reports/", BODY, content_type="application/json").status_code
            == 403
        )
        assert client.get(detail).status_code == 403
    assert Report.objects.count() == 1

    client.force_login(report_viewer)
    assert client.get(detail).status_code == 200
    assert client.get(f"/api/v1/reports/{report.pk.hex[:8]}/").status_code == 404
    assert client.post("/api/v1/reports/", BODY, content_type="application/json").status_code == 202
    assert Report.objects.count() == 2


def test_session_api_calls_need_the_csrf_token(report_viewer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(report_viewer)
    response = strict.post("/api/v1/reports/", BODY, content_type="application/json")
    assert response.status_code == 403
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kinds": []}, "kinds"),
        ({"kinds": ["sales"]}, "kinds"),
        ({"date_from": "2026-02-01"}, "date_to"),
        ({"date_from": "2024-01-01"}, "date_to"),
        ({"date_from": "2999-01-01", "date_to": "2999-01-02"}, "date_from"),
        ({"date_to": "31/01/2026"}, "date_to"),
        ({"extra_recipients": ["not-an-email"]}, "extra_recipients"),
    ],
)
def test_invalid_requests_are_a_400_and_write_nothing(client, report_viewer, change, field):
    client.force_login(report_viewer)
    response = client.post("/api/v1/reports/", {**BODY, **change}, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
    assert not Report.objects.exists()


def test_report_viewer_requests_from_the_admin(
    client, report_viewer, django_capture_on_commit_callbacks
):
    client.force_login(report_viewer)
    assert client.get("/admin/reports/report/").status_code == 200
    assert client.get("/admin/reports/report/add/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/reports/report/add/",
            {
                "kinds": ["orders", "products"],
                "date_from": "2026-01-01",
                "date_to": "2026-01-07",
                "extra_recipients": "a@example.com, b@example.com\nc@example.com",
            },
            follow=True,
        )

    assert response.status_code == 200
    report = Report.objects.get()
    assert report.extra_recipients == ["a@example.com", "b@example.com", "c@example.com"]
    assert report.requested_by == report_viewer and report.status == ReportStatus.SUCCEEDED
    listing = client.get("/admin/reports/report/").content.decode()
    assert f"/admin/reports/report/{report.pk}/download/orders/" in listing
    download = client.get(f"/admin/reports/report/{report.pk}/download/orders/")
    assert download.status_code == 200
    assert b"Orders report" in b"".join(download.streaming_content)


def test_admin_request_form_shows_errors_and_writes_nothing(client, report_viewer):
    client.force_login(report_viewer)
    response = client.post(
        "/admin/reports/report/add/",
        {"kinds": ["orders"], "date_from": "2026-02-01", "date_to": "2026-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]
    assert not Report.objects.exists()


def test_other_staff_cannot_see_reports_in_the_admin(client):
    for user in (
        _member("Order managers"),
        _member("Catalog managers"),
        _member("Report recipients"),
    ):
        client.force_login(user)
        assert client.get("/admin/reports/report/").status_code == 403
        assert client.get("/admin/reports/report/add/").status_code == 403


def test_rerun_action_queues_failed_reports_and_refuses_others(
    client, report_viewer, django_capture_on_commit_callbacks
):
    failed = Report.objects.create(
        kinds=["products"],
        date_from=date(2026, 1, 1),
        date_to=date(2026, 1, 1),
        status=ReportStatus.FAILED,
        error="boom",
    )
    done = Report.objects.create(
        kinds=["products"],
        date_from=date(2026, 1, 1),
        date_to=date(2026, 1, 1),
        status=ReportStatus.SUCCEEDED,
    )
    client.force_login(report_viewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/reports/report/",
            {"action": "rerun", "_selected_action": [failed.pk, done.pk]},
            follow=True,
        )
    messages = [str(m) for m in response.context["messages"]]
    assert "1 report(s) queued again." in messages
    assert any(m.startswith("Refused") for m in messages)
    failed.refresh_from_db()
    assert failed.status == ReportStatus.SUCCEEDED and failed.error == ""


def test_order_admin_action_requests_a_report_for_the_selection(
    client, report_viewer, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    first = OrderFactory(lines=[(product, 1)], placed_at=shop_time(date(2026, 1, 3)))
    last = OrderFactory(lines=[(product, 1)], placed_at=shop_time(date(2026, 1, 9)))
    admin = SuperuserFactory()
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/orders/order/",
            {"action": "request_report", "_selected_action": [first.pk, last.pk]},
        )
    report = Report.objects.get()
    assert (report.date_from, report.date_to) == (date(2026, 1, 3), date(2026, 1, 9))
    assert sorted(report.kinds) == sorted(ReportKind.values)

    manager = _member("Order managers")
    client.force_login(manager)
    actions = dict(
        client.get("/admin/orders/order/").context["action_form"].fields["action"].choices
    )
    assert "request_report" not in actions


def test_daily_report_command_queues_yesterday(capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_daily_report")
    report = Report.objects.get()
    yesterday = timezone.localdate() - timedelta(days=1)
    assert (report.date_from, report.date_to) == (yesterday, yesterday)
    assert sorted(report.kinds) == sorted(ReportKind.values)
    assert report.status == ReportStatus.SUCCEEDED
    assert str(report.pk) in capsys.readouterr().out


def test_purge_deletes_old_reports_and_their_files(settings, django_capture_on_commit_callbacks):
    from reports.storage import reports_storage

    settings.SHOP_REPORT_RETENTION_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        old = report_request(
            kinds=["products"], date_from=date(2026, 1, 1), date_to=date(2026, 1, 1)
        )
        new = report_request(
            kinds=["products"], date_from=date(2026, 1, 1), date_to=date(2026, 1, 1)
        )
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    old_name = old.files.get().storage_name
    assert reports_storage().exists(old_name)

    call_command("purge_reports")

    assert list(Report.objects.values_list("pk", flat=True)) == [new.pk]
    assert not reports_storage().exists(old_name)
    assert reports_storage().exists(new.files.get().storage_name)


def test_each_recipient_is_mailed_once_whatever_the_case(recipient):
    from reports.delivery import report_recipients

    report = report_request(
        kinds=["orders"],
        date_from=date(2026, 1, 1),
        date_to=date(2026, 1, 1),
        extra_recipients=["Boss@Example.com", " boss@example.com", "RECIPIENT@example.com"],
    )
    assert report.extra_recipients == ["Boss@Example.com", "RECIPIENT@example.com"]
    assert report_recipients(report) == ["recipient@example.com", "Boss@Example.com"]
