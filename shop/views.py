"""Health for load balancers and monitoring.

/healthz: liveness, cheap: the app runs and the database answers one trivial query.
/readyz: readiness, for monitoring: the database, the reports storage and the outbox's
backlog, each within its own short timeout; 503 with what is wrong otherwise.
"""

import logging

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from shop.api.errors import error_body

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the app runs and the database answers, 503 otherwise."""
    if request.method not in ("GET", "HEAD"):
        response = JsonResponse(
            error_body("method_not_allowed", f'Method "{request.method}" not allowed.'), status=405
        )
        response["Allow"] = "GET, HEAD"
        return response
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: database unavailable")
        return JsonResponse(
            error_body("database_unavailable", "The database does not answer."), status=503
        )
    return JsonResponse({"status": "ok", "database": "ok"})


def _check_database() -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL statement_timeout = '2s'")
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_storage() -> str:
    from django.core.files.storage import storages

    # One request to the bucket (S3: a HEAD, with the AWS clients' timeouts).
    storages["reports"].exists("readyz-probe")
    return "ok"


def _check_outbox() -> str:
    from shop.outbox import outbox_backlog_age

    age = outbox_backlog_age()
    limit = settings.SHOP_READY_OUTBOX_MAX_AGE_MINUTES
    if age is not None and age.total_seconds() > limit * 60:
        raise RuntimeError(
            f"the oldest unsent email has waited {int(age.total_seconds() // 60)} min"
        )
    return "ok" if age is None else f"ok (oldest unsent: {int(age.total_seconds())} s)"


CHECKS = {"database": _check_database, "storage": _check_storage, "outbox": _check_outbox}


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database, the reports storage and the outbox are well."""
    if request.method not in ("GET", "HEAD"):
        response = JsonResponse(
            error_body("method_not_allowed", f'Method "{request.method}" not allowed.'), status=405
        )
        response["Allow"] = "GET, HEAD"
        return response
    results, failing = {}, {}
    for name, check in CHECKS.items():
        if name == "outbox" and "database" in failing:
            failing[name] = "not checked: the database does not answer"
            continue
        try:
            results[name] = check()
        except Exception as exc:
            logger.warning("Readiness: %s failing: %s", name, exc)
            failing[name] = f"{type(exc).__name__}: {exc}"[:300]
    if failing:
        return JsonResponse(
            error_body("not_ready", "Something the shop needs is failing.", failing), status=503
        )
    return JsonResponse({"status": "ok", **results})
