"""One error envelope for the whole API: {"error": {"code", "message", "details"}}."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from django.views import csrf, defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from shop.db import ChangedMeanwhile, is_conflict
from shop.errors import TOO_LARGE_CODE, TOO_LARGE_MESSAGE, DomainError

logger = logging.getLogger(__name__)


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """Build the documented error envelope."""
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _validation_details(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return detail
    return {"non_field_errors": detail if isinstance(detail, list) else [detail]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn domain, Django and DRF exceptions into the envelope; anything else stays a 500."""
    if isinstance(exc, DomainError):
        return Response(
            error_body(exc.code, exc.message, exc.details),
            status=exc.status_code,
            headers=exc.headers,
        )
    if is_conflict(exc):
        # Met another transaction (a deadlock, a lock timeout): the database is fine.
        changed = ChangedMeanwhile()
        return Response(
            error_body(changed.code, changed.message), status=409, headers=changed.headers
        )
    if isinstance(exc, OperationalError | InterfaceError):
        # The database stopped answering (a failover, RDS Proxy at its limit): worth a retry.
        logger.exception("Database unavailable")
        return Response(
            error_body("database_unavailable", "The database does not answer; try again soon."),
            status=503,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, DjangoValidationError):
        details = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(details)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    # Let DRF add its headers (WWW-Authenticate, Retry-After, Allow) before re-shaping the body.
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    assert isinstance(exc, exceptions.APIException)
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(
            "invalid", "The request has invalid fields.", _validation_details(exc.detail)
        )
    elif isinstance(exc, exceptions.Throttled):
        body = error_body(
            "throttled",
            "Too many requests; try again later.",
            {"retry_after": getattr(exc, "wait", None)},
        )
    else:
        body = error_body(exc.default_code, str(exc.detail))
    response.data = body
    return response


def wants_json(request: HttpRequest) -> bool:
    # Everything but the admin is an API for machines; the admin keeps Django's HTML pages.
    return not request.path.startswith("/admin/")


@csrf_exempt  # an unknown path answers 404 whatever the method, not a CSRF failure
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Answer an unknown API URL with the 404 envelope."""
    return JsonResponse(error_body("not_found", "Not found."), status=404)


def handler404(request: HttpRequest, exception: Exception) -> Any:
    """Answer unknown URLs with the envelope outside the admin."""
    if wants_json(request):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def handler400(request: HttpRequest, exception: Exception) -> Any:
    """Answer bad requests (a body over the limit, a bad Host) with the envelope, no traceback."""
    if not wants_json(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse(error_body(TOO_LARGE_CODE, TOO_LARGE_MESSAGE), status=413)
    return JsonResponse(error_body("bad_request", "The request could not be read."), status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> Any:
    """Refuse a session request without a valid CSRF token: the envelope outside the admin."""
    if wants_json(request):
        return JsonResponse(
            error_body("csrf_failed", "CSRF verification failed: send the X-CSRFToken header."),
            status=403,
        )
    return csrf.csrf_failure(request, reason)


def handler500(request: HttpRequest) -> Any:
    """Answer unhandled errors with the envelope outside the admin; the traceback is logged."""
    if wants_json(request):
        return JsonResponse(
            error_body("server_error", "Something went wrong on our side."), status=500
        )
    return defaults.server_error(request)
