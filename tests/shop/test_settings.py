"""Settings are read at start-up, so each case starts a fresh interpreter with its environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'storages': {k: v['BACKEND'] for k, v in s.STORAGES.items()}, "
    "'reports_private': s.STORAGES['reports'].get('OPTIONS', {}).get('querystring_auth'), "
    "'debug': s.DEBUG, 'engine': s.DATABASES['default']['ENGINE'], "
    "'conn_health': s.DATABASES['default'].get('CONN_HEALTH_CHECKS')}))"
)


def _run(**overrides: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "DATABASE_URL", "SECRET_KEY", "SHOP_"))
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
    assert set(loaded["storages"].values()) == {"storages.backends.s3.S3Storage"}
    assert loaded["reports_private"] is True


def test_database_url_switches_to_postgresql_with_health_checks():
    result = _run(DATABASE_URL="postgres://user@db.example.com:5432/shop")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["conn_health"] is True


def test_production_refuses_to_start_without_its_secrets():
    missing_key = _run(SHOP_ENV="production", DATABASE_URL="postgres://u@h/db")
    assert missing_key.returncode != 0
    assert "SECRET_KEY must be set" in missing_key.stderr

    missing_db = _run(SHOP_ENV="production", SECRET_KEY="x" * 50)
    assert missing_db.returncode != 0
    assert "DATABASE_URL must be set" in missing_db.stderr

    complete = _run(SHOP_ENV="production", SECRET_KEY="x" * 50, DATABASE_URL="postgres://u@h/db")
    assert complete.returncode == 0, complete.stderr
    assert json.loads(complete.stdout)["debug"] is False
