"""Report requests and link revocations appear on the report's History page."""

from datetime import date

import pytest
from django.contrib.auth.models import Group

from reports.models import Report
from reports.services import report_request_daily
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _history(admin_client, report) -> str:
    response = admin_client.get(f"/admin/reports/report/{report.pk}/history/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_request_through_the_api_and_a_revocation_are_on_the_history(admin_client, client):
    clerk = StaffFactory(username="clerk")
    clerk.groups.add(Group.objects.get(name="Report viewers"))
    client.force_login(clerk)
    answer = client.post(
        "/api/v1/reports/",
        {"kinds": ["orders"], "date_from": "2026-11-01", "date_to": "2026-11-02"},
        content_type="application/json",
    )
    report = Report.objects.get(pk=answer.json()["id"])
    admin_client.post(
        "/admin/reports/report/",
        {"action": "revoke_links", "_selected_action": [str(report.pk)]},
    )

    page = _history(admin_client, report)
    assert "by clerk" in page and "Requested: orders." in page
    assert "Revoked the emailed links." in page and "Emailed links revoked" in page


def test_a_scheduled_request_says_so(admin_client):
    report = report_request_daily()
    assert report.date_to < date.today()
    assert "by the daily schedule" in _history(admin_client, report)
