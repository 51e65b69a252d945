"""A conflict that reaches the edge: 409 `conflict` in the API, a message in the admin."""

import psycopg.errors
import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import OperationalError
from django.test import RequestFactory

from shop.admin_conflicts import AdminConflictMiddleware
from shop.api.errors import exception_handler
from shop.db import ChangedMeanwhile


def _database_error(cause: Exception | None) -> OperationalError:
    # As Django raises it: its own class, the driver's error as the cause.
    error = OperationalError(str(cause or "server closed the connection unexpectedly"))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    "cause",
    [
        psycopg.errors.DeadlockDetected("deadlock detected"),
        psycopg.errors.SerializationFailure("could not serialize access"),
        psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"),
    ],
)
def test_a_conflict_in_the_api_is_a_409_with_retry_after(cause):
    response = exception_handler(_database_error(cause), {})
    assert response.status_code == 409
    assert response.data["error"]["code"] == "conflict"
    assert response["Retry-After"] == "1"


def test_a_database_that_does_not_answer_stays_a_503():
    response = exception_handler(_database_error(None), {})
    assert response.status_code == 503
    assert response.data["error"]["code"] == "database_unavailable"


def _admin_request(path: str):
    request = RequestFactory().post(path)
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(
    "error",
    [ChangedMeanwhile(), _database_error(psycopg.errors.DeadlockDetected("deadlock detected"))],
)
def test_a_conflict_in_the_admin_is_a_message_on_the_same_page(error):
    request = _admin_request("/admin/catalog/product/7/change/?_changelist_filters=x")
    response = AdminConflictMiddleware(lambda r: None).process_exception(request, error)
    assert response.status_code == 302
    assert response["Location"] == "/admin/catalog/product/7/change/?_changelist_filters=x"
    [message] = [str(m) for m in get_messages(request)]
    assert "changed meanwhile" in message


def test_other_errors_and_other_paths_are_left_alone():
    middleware = AdminConflictMiddleware(lambda r: None)
    assert middleware.process_exception(_admin_request("/admin/"), ValueError("bug")) is None
    assert middleware.process_exception(_admin_request("/api/v1/cart/"), ChangedMeanwhile()) is None
