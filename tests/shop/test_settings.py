"""Settings are read at start-up, so each case starts a fresh interpreter with its environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'storages': {k: v['BACKEND'] for k, v in s.STORAGES.items()}, "
    "'reports_private': s.STORAGES['reports'].get('OPTIONS', {}).get('querystring_auth'), "
    "'debug': s.DEBUG, 'engine': s.DATABASES['default']['ENGINE'], "
    "'conn_health': s.DATABASES['default'].get('CONN_HEALTH_CHECKS'), "
    "'local_issuer': s.COGNITO_LOCAL_ISSUER, 'issuer': s.COGNITO_ISSUER}))"
)


def _run(**overrides: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("AWS_", "DATABASE_URL", "SECRET_KEY", "SHOP_", "COGNITO_", "LOCAL_", "ALLOWED_HOSTS")
        )
    }
    environment.update(DJANGO_SETTINGS_MODULE="shop.settings", **overrides)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_local_defaults_need_nothing():
    result = _run()
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["storages"]["default"] == "django.core.files.storage.FileSystemStorage"
    assert loaded["debug"] is True


def test_bucket_variables_switch_files_to_s3_with_private_reports():
    result = _run(AWS_STORAGE_BUCKET_NAME="shop-media", REPORTS_BUCKET_NAME="shop-reports")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["storages"] == {
        "default": "storages.backends.s3.S3Storage",
        "reports": "storages.backends.s3.S3Storage",
        "staticfiles": "shop.storages.S3ManifestStaticStorage",
    }
    assert loaded["reports_private"] is True


def test_database_url_switches_to_postgresql_with_health_checks():
    result = _run(DATABASE_URL="postgres://user@db.example.com:5432/shop")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["conn_health"] is True


PRODUCTION = {
    "SHOP_ENV": "production",
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://u@h/db",
    "COGNITO_AWS_REGION": "eu-north-1",
    "COGNITO_USER_POOL": "eu-north-1_AbCdEf",
    "COGNITO_AUDIENCE": "client-id",
    "SHOP_BASE_URL": "https://shop.example.com",
    "ALLOWED_HOSTS": "shop.example.com",
}


@pytest.mark.parametrize("missing", sorted(set(PRODUCTION) - {"SHOP_ENV"}))
def test_production_refuses_to_start_without_each_secret(missing):
    result = _run(**{k: v for k, v in PRODUCTION.items() if k != missing})
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_starts_with_its_secrets_and_without_local_sign_in():
    result = _run(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["debug"] is False
    assert loaded["local_issuer"] is False
    assert loaded["issuer"] == ""  # the validator derives the user pool's own URL


def test_local_sign_in_is_off_in_production_even_if_asked_for():
    result = _run(**PRODUCTION, COGNITO_LOCAL_ISSUER="true")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["local_issuer"] is False


def test_production_refuses_zappa_placeholders_left_unfilled():
    result = _run(
        **{**PRODUCTION, "SECRET_KEY": "${SECRET_KEY}", "ALLOWED_HOSTS": "${ALLOWED_HOSTS}"}
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS, SECRET_KEY still hold zappa_settings.json placeholders" in result.stderr
