"""Guards in front of every view: no NUL reaches a query, and the API answers only in JSON."""

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from shop.api.errors import error_body, wants_json
from shop.errors import TOO_LARGE_CODE, TOO_LARGE_MESSAGE

logger = logging.getLogger("shop.api")

# Error codes for statuses that reach the fallback below without an envelope of their own.
CODES = {
    400: "bad_request",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: TOO_LARGE_CODE,
    415: "unsupported_media_type",
    500: "server_error",
}


class NulInRequest(SuspiciousOperation):
    """PostgreSQL text cannot hold NUL (0x00): such a value would fail deep in a query."""


def _has_nul(request: HttpRequest) -> bool:
    return "\x00" in request.path or any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _envelope(status: int, code: str | None = None, message: str = "") -> JsonResponse:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:  # a status the standard library does not name
        phrase = "Error"
    return JsonResponse(
        error_body(code or CODES.get(status, "error"), message or f"{phrase}."), status=status
    )


class ApiGuardMiddleware:
    """Refuse NUL in the path or query (400), and keep every API error in the envelope.

    Django answers exceptions with its HTML debug pages when DEBUG is on, before the URLconf's
    handlers are asked; a storefront on another origin could not even read them. So with
    DEBUG on, exceptions from API views are answered here (the traceback goes to the log,
    never the body), and any error answer that is still not JSON is replaced by the envelope.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if wants_json(request):
                return _envelope(400, "bad_request", "The path or a query parameter holds NUL.")
            raise NulInRequest("NUL in the path or the query string")
        if _is_api(request):
            repeated = sorted(key for key, values in request.GET.lists() if len(values) > 1)
            if repeated:
                # Every API parameter takes one value; Django would silently use the last.
                return JsonResponse(
                    error_body(
                        "bad_request",
                        "A query parameter is given more than once.",
                        {name: ["Give it once."] for name in repeated},
                    ),
                    status=400,
                )
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and _is_api(request)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            replaced = _envelope(response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    replaced[header] = response[header]
            return replaced
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        """With DEBUG on, answer an API view's exception with the envelope, as production does."""
        if not settings.DEBUG or not _is_api(request):
            return None  # production: the URLconf's handler400/404/500 answer (shop.api.errors)
        if isinstance(exception, RequestDataTooBig):
            return _envelope(413, TOO_LARGE_CODE, TOO_LARGE_MESSAGE)
        if isinstance(exception, SuspiciousOperation):
            return _envelope(400, "bad_request", "The request could not be read.")
        if isinstance(exception, Http404):
            return _envelope(404, "not_found", "Not found.")
        if isinstance(exception, PermissionDenied):
            return _envelope(403, "permission_denied", "Not allowed.")
        logger.error("Unhandled error on %s %s", request.method, request.path, exc_info=exception)
        return _envelope(500, "server_error", "Something went wrong on our side.")


class CorsHeaderCaseMiddleware:
    """Spell django-cors-headers' answers as browsers and every other server do
    ("Access-Control-Allow-Origin", not "access-control-allow-origin"): header names are
    case-insensitive, but some HTTP clients and tools compare them as written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name in [key for key in response.headers if key.lower().startswith("access-control-")]:
            value = response.headers[name]
            del response.headers[name]
            response.headers["-".join(part.capitalize() for part in name.split("-"))] = value
        return response
