"""The download link in report emails: check the signature, record, hand over the file."""

import logging

from django.http import FileResponse, HttpRequest, HttpResponseForbidden
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from reports.delivery import link_allowed, link_read
from reports.errors import BadLink
from reports.models import ReportDownload, ReportFile, ReportStatus
from reports.storage import CONTENT_TYPE, reports_storage

logger = logging.getLogger(__name__)

REFUSED = (
    "<!doctype html><title>Link not valid</title>"
    "<p>This report link is not valid or has expired. Ask for the report again in the admin.</p>"
)


def file_response(request: HttpRequest, file: ReportFile, email: str) -> HttpResponseBase:
    """Record the download, then redirect to a short-lived presigned URL or stream the file."""
    ReportDownload.objects.create(
        file=file,
        email=email,
        user=request.user if request.user.is_authenticated else None,
        ip_address=request.META.get("REMOTE_ADDR") or None,
        user_agent=request.headers.get("User-Agent", "")[:300],
    )
    storage = reports_storage()
    if getattr(storage, "querystring_auth", False):
        # S3: a presigned URL that lives for REPORTS_PRESIGNED_SECONDS (minutes).
        return redirect(storage.url(file.storage_name))
    return FileResponse(storage.open(file.storage_name, "rb"), content_type=CONTENT_TYPE)


@never_cache
@require_safe
def report_download(request: HttpRequest, token: str) -> HttpResponseBase:
    try:
        file, email = link_read(token)
    except BadLink as exc:
        logger.info("Refused a report link: %s", exc)
        return HttpResponseForbidden(REFUSED)
    if file.report.status != ReportStatus.SUCCEEDED:
        return HttpResponseForbidden(REFUSED)
    if not link_allowed(file=file, email=email):
        logger.info("Refused a withdrawn report link of %s for report %s", email, file.report_id)
        return HttpResponseForbidden(REFUSED)
    return file_response(request, file, email)
