"""Getting reports to staff: signed links to the app that outlive AWS credentials, and email.

A presigned S3 URL made with Lambda's temporary role credentials dies with them (hours). So
emails carry a link to the app, signed with Django's signing and valid for days; the app
checks it and redirects to a presigned URL that lives for minutes.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

from reports.errors import BadLink
from reports.models import Report, ReportFile
from shop.models import OutboundEmail
from shop.outbox import Rendered, Suppressed, emails_queue

logger = logging.getLogger(__name__)

SALT = "reports.download"
RECIPIENTS_GROUP = "Report recipients"
VIEWERS_GROUP = "Report viewers"


def link_make(*, file: ReportFile, email: str) -> str:
    """Return an absolute, signed download link for one file and one recipient."""
    token = signing.dumps({"f": file.pk, "e": email}, salt=SALT, compress=True)
    return f"{settings.SHOP_BASE_URL.rstrip('/')}{reverse('report-download', args=[token])}"


def link_read(token: str) -> tuple[ReportFile, str]:
    """Return the file and recipient a link was made for; raise BadLink otherwise."""
    max_age = settings.SHOP_REPORT_LINK_DAYS * 24 * 3600
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise BadLink(str(exc)) from exc
    file = ReportFile.objects.select_related("report").filter(pk=payload.get("f")).first()
    if file is None:
        raise BadLink("The report no longer exists.")
    return file, payload.get("e", "")


def domain_allowed(email: str) -> bool:
    """Whether reports may go to this address (SHOP_REPORT_RECIPIENT_DOMAINS; empty: any)."""
    allowed = settings.SHOP_REPORT_RECIPIENT_DOMAINS
    if not allowed:
        return True
    domain = email.rsplit("@", 1)[-1].lower()
    return any(domain == d or domain.endswith("." + d) for d in allowed)


def link_allowed(*, file: ReportFile, email: str) -> bool:
    """Whether a link made for `email` may still be used: checked at every download.

    Links stop when the report's links were revoked; an employee's when they are no longer
    active or no longer in Report recipients or Report viewers; an extra recipient's when
    the address is no longer among the report's or its domain no longer allowed.
    """
    report = file.report
    if report.links_revoked_at is not None:
        return False
    staff = list(
        get_user_model()
        .objects.filter(email__iexact=email, is_staff=True)
        .prefetch_related("groups")
    )
    if staff:
        return any(
            user.is_active
            and (
                user.is_superuser
                or {g.name for g in user.groups.all()} & {RECIPIENTS_GROUP, VIEWERS_GROUP}
            )
            for user in staff
        )
    extras = {address.lower() for address in report.extra_recipients}
    return email.lower() in extras and domain_allowed(email)


def emails_unique(emails: Iterable[str]) -> list[str]:
    """Each address once, compared without case, in first-seen order and spelling."""
    seen: dict[str, str] = {}
    for email in emails:
        seen.setdefault(email.lower(), email)
    return list(seen.values())


def report_recipients_staff() -> list[str]:
    """The addresses of the active staff in the Report recipients group."""
    return list(
        get_user_model()
        .objects.filter(groups__name=RECIPIENTS_GROUP, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )


def report_recipients(report: Report) -> list[str]:
    """Staff in the Report recipients group, then the request's extra addresses, once each."""
    return emails_unique([*report_recipients_staff(), *report.extra_recipients])


def report_emails_queue(*, report: Report) -> int:
    """Write the links email to each recipient (inside the transaction that marks the report
    done: sent after it commits). Returns how many were written."""
    recipients = report_recipients(report)
    if not report.kinds or not recipients:
        return 0
    return len(
        emails_queue(
            kind="report.ready",
            to=recipients,
            params={"report_id": str(report.pk)},
            reference=str(report.pk),
        )
    )


def report_email_render(message: OutboundEmail) -> Rendered:
    """The outbox's renderer of report emails: the recipient's own signed links."""
    report = Report.objects.filter(pk=message.params["report_id"]).first()
    files = list(report.files.all()) if report else []
    if report is None or not files:
        raise Suppressed("the report has no files any more")
    context = {
        "report": report,
        "links": [(file, link_make(file=file, email=message.to)) for file in files],
        "valid_days": settings.SHOP_REPORT_LINK_DAYS,
        "shop_name": settings.SHOP_NAME,
    }
    return Rendered(
        subject=f"{settings.SHOP_NAME} report: {report.date_from} to {report.date_to}",
        text=render_to_string("emails/report_ready.txt", context),
        html=render_to_string("emails/report_ready.html", context),
    )
