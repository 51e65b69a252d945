"""The report pages read like the rest of the admin: kinds in words, files as links, recipients."""

import pytest

from reports.generation import report_generate
from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


def test_a_report_page_names_its_kinds_lists_its_recipients_and_links_its_files(
    admin_client, recipient
):
    report = ReportFactory(extra_recipients=["controller@example.com"])
    report_generate(report_id=report.pk)

    html = admin_client.get(f"/admin/reports/report/{report.pk}/change/").content.decode()

    assert "Orders, Products" in html
    assert '["orders"' not in html and "[&quot;orders&quot;" not in html  # never raw JSON
    assert "recipient@example.com" in html and "controller@example.com" in html
    for kind in ("orders", "products"):
        assert f"/admin/reports/report/{report.pk}/download/{kind}/" in html
    assert "white-space:nowrap" in html  # the status badge never breaks


def test_the_request_form_uses_the_admins_form_styles_and_names_the_recipients(
    admin_client, recipient
):
    html = admin_client.get("/admin/reports/report/add/").content.decode()
    assert "admin/css/forms.css" in html
    assert "Orders: revenue per day" in html and "Products: each product" in html
    assert "recipient@example.com" in html
