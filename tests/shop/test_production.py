"""Production settings: a clean deployment check, and structured logs with request ids."""

import io
import json
import logging
import secrets
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from shop.logs import JsonFormatter, RequestIdMiddleware
from tests.shop.settings_process import PRODUCTION, ROOT, run_settings


def test_check_deploy_is_clean_with_production_settings():
    import os

    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "DATABASE_URL", "SECRET_KEY", "SHOP_", "COGNITO_"))
    }
    environment.update(
        PRODUCTION, SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="shop.example.com"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_needs_allowed_hosts():
    result = run_settings(**{k: v for k, v in PRODUCTION.items() if k != "ALLOWED_HOSTS"})
    assert result.returncode != 0 and "ALLOWED_HOSTS must be set" in result.stderr


def _logged_during(request) -> tuple[dict, object]:
    """Log from inside a view through a JSON handler, as production does; return the line."""
    from django.http import HttpResponse

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("shop.test")
    logger.addHandler(handler)

    def view(req):
        logger.warning("inside the view")
        return HttpResponse("ok")

    try:
        response = RequestIdMiddleware(view)(request)
    finally:
        logger.removeHandler(handler)
    return json.loads(stream.getvalue().strip()), response


@pytest.mark.parametrize("on_lambda", [True, False])
def test_log_lines_are_json_with_the_request_id(on_lambda):
    request = RequestFactory().get("/api/v1/products/")
    if on_lambda:
        request.META["lambda.context"] = SimpleNamespace(aws_request_id="req-123")

    line, response = _logged_during(request)

    assert line["message"] == "inside the view" and line["level"] == "WARNING"
    assert line["request_id"] == response["X-Request-ID"]
    if on_lambda:
        assert line["request_id"] == "req-123"
    else:
        assert len(line["request_id"]) == 32
