"""Report links can be withdrawn: from people who left, from a whole report; and domains."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from reports.delivery import link_make
from reports.models import Report, ReportDownload
from reports.services import report_request
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(settings, recipient, django_capture_on_commit_callbacks):
    settings.SHOP_BASE_URL = "http://testserver"
    with django_capture_on_commit_callbacks(execute=True):
        made = report_request(
            kinds=["orders"],
            date_from=date(2026, 1, 1),
            date_to=date(2026, 1, 1),
            extra_recipients=["auditor@example.com"],
        )
    return Report.objects.get(pk=made.pk)


def _link(report, email):
    return link_make(file=report.files.get(), email=email).removeprefix("http://testserver")


def test_a_recipient_who_was_deactivated_cannot_use_their_link(client, report, recipient):
    link = _link(report, recipient.email)
    assert client.get(link).status_code == 200
    recipient.is_active = False
    recipient.save()
    assert client.get(link).status_code == 403
    assert ReportDownload.objects.count() == 1


def test_a_recipient_who_left_the_groups_cannot_use_their_link(client, report, recipient):
    link = _link(report, recipient.email)
    recipient.groups.clear()
    assert client.get(link).status_code == 403
    recipient.groups.add(Group.objects.get(name="Report viewers"))
    assert client.get(link).status_code == 200


def test_a_removed_employee_cannot_use_their_link(client, report, recipient):
    link = _link(report, recipient.email)
    recipient.delete()
    assert client.get(link).status_code == 403
    assert not ReportDownload.objects.exists()


def test_extra_recipients_keep_their_links_while_their_domain_is_allowed(client, report, settings):
    link = _link(report, "auditor@example.com")
    assert client.get(link).status_code == 200
    settings.SHOP_REPORT_RECIPIENT_DOMAINS = ["shop.example"]
    assert client.get(link).status_code == 403
    # A link for an address the report was never sent to is refused too.
    settings.SHOP_REPORT_RECIPIENT_DOMAINS = []
    assert client.get(_link(report, "stranger@example.com")).status_code == 403


def test_an_employee_revokes_every_link_of_a_report(admin_client, client, report, recipient):
    links = [_link(report, recipient.email), _link(report, "auditor@example.com")]
    response = admin_client.post(
        "/admin/reports/report/",
        {"action": "revoke_links", "_selected_action": [report.pk]},
        follow=True,
    )
    assert "revoked" in response.content.decode()
    assert Report.objects.get(pk=report.pk).links_revoked_at is not None
    assert [client.get(link).status_code for link in links] == [403, 403]
    assert not ReportDownload.objects.exists()
    # The admin itself still opens the file.
    admin_link = f"/admin/reports/report/{report.pk}/download/orders/"
    assert admin_client.get(admin_link).status_code == 200


def test_extra_recipients_outside_the_allowed_domains_are_refused(settings, report_viewer):
    settings.SHOP_REPORT_RECIPIENT_DOMAINS = ["example.com"]
    with pytest.raises(ValidationError) as error:
        report_request(
            kinds=["orders"],
            date_from=date(2026, 1, 1),
            date_to=date(2026, 1, 1),
            requested_by=report_viewer,
            extra_recipients=["me@example.com", "exfil@attacker.net"],
        )
    assert "attacker.net" in str(error.value.message_dict["extra_recipients"])
    assert not Report.objects.exists()
    # Subdomains of an allowed domain are the shop's too.
    report_request(
        kinds=["orders"],
        date_from=date(2026, 1, 1),
        date_to=date(2026, 1, 1),
        extra_recipients=["ops@eu.example.com"],
    )


def test_the_default_allowed_domain_is_the_shops_own():
    from tests.shop.settings_process import run_code

    probe = run_code(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SHOP_REPORT_RECIPIENT_DOMAINS)",
        DEFAULT_FROM_EMAIL="orders@Shop.Example",
    )
    assert probe.stdout.strip() == "['shop.example']", probe.stderr
    anyone = run_code(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SHOP_REPORT_RECIPIENT_DOMAINS)",
        SHOP_REPORT_RECIPIENT_DOMAINS="",
    )
    assert anyone.stdout.strip() == "[]", anyone.stderr


def test_staff_outside_the_report_groups_get_no_link_through(client, report):
    outsider = StaffFactory(email="clerk@example.com")
    assert outsider.groups.count() == 0
    assert client.get(_link(report, "clerk@example.com")).status_code == 403
