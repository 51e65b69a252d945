"""Statement and lock timeouts: short in web requests, longer in background work."""

import pytest
from django.db import OperationalError, connection, transaction
from rest_framework.test import APIRequestFactory

from shop.api.errors import exception_handler
from shop.background import scheduled

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _timeouts() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('statement_timeout'), current_setting('lock_timeout')"
        )
        return cursor.fetchone()


def test_a_web_connection_starts_with_the_web_timeouts():
    connection.close()
    assert _timeouts() == ("10s", "3s")


@pytest.mark.parametrize("connected", [True, False])
def test_background_work_runs_with_the_task_timeouts_then_goes_back(connected):
    if connected:
        _timeouts()
    else:
        connection.close()
    seen = []

    @scheduled
    def sweep(event=None, context=None):
        seen.append(_timeouts())
        return "done"

    assert sweep() == "done"
    assert seen == [("5min", "30s")]
    assert _timeouts() == ("10s", "3s")


def test_the_task_timeouts_outlast_a_failure_of_the_work():
    @scheduled
    def failing(event=None, context=None):
        with transaction.atomic():
            _timeouts()
            raise ValueError("the work failed")

    with pytest.raises(ValueError):
        failing()
    assert _timeouts() == ("10s", "3s")


def test_a_statement_past_its_timeout_is_a_503_not_a_500():
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '50ms'")
        try:
            with pytest.raises(OperationalError) as raised:
                cursor.execute("SELECT pg_sleep(5)")
        finally:
            cursor.execute("RESET statement_timeout")
    request = APIRequestFactory().get("/api/v1/products/")
    response = exception_handler(raised.value, {"request": request})
    assert response.status_code == 503
    assert response.data["error"]["code"] == "database_unavailable"
    assert response.headers["Retry-After"] == "5"
