"""A database that hangs or is gone: every answer comes in seconds, and what needs no
database is still served."""

import time

import pytest
import requests
from django.conf import settings

from tests.faults.servers import black_hole, closed_port, shop_process

# A generous bound for the connect timeout's setting (3 s), far below psycopg's own 130 s.
BOUND_SECONDS = 15


def _timed_get(url: str) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = requests.get(url, timeout=120)
    return response, time.monotonic() - started


@pytest.mark.parametrize("database", ["black hole", "closed port"])
def test_a_database_that_does_not_answer_gives_503_within_the_connect_timeout(database):
    assert settings.SHOP_DB_CONNECT_TIMEOUT_SECONDS == 3
    with black_hole() as hole:
        port = hole if database == "black hole" else closed_port()
        env = {"DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/shop"}
        with shop_process(env) as base:
            for path in ("/api/v1/products/", "/healthz", "/api/v1/products/?search=tea"):
                response, took = _timed_get(base + path)
                assert response.status_code == 503, (path, response.text)
                assert response.json()["error"]["code"] == "database_unavailable"
                assert took < BOUND_SECONDS, (path, took)
            # What needs no database is still served, by the same single worker.
            response, took = _timed_get(base + "/config.json")
            assert response.status_code == 200
            assert response.json()["apiBaseUrl"] == base
            response, took = _timed_get(base + "/admin/login/")
            assert response.status_code == 200
            assert "Username" in response.text
