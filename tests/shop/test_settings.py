"""Settings are read at start-up, so each case starts a fresh interpreter with its environment."""

import json

import pytest

from tests.shop.settings_process import PRODUCTION, run_settings


def test_local_defaults_need_nothing():
    result = run_settings()
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["storages"]["default"] == "django.core.files.storage.FileSystemStorage"
    assert loaded["debug"] is True


def test_bucket_variables_switch_files_to_s3_with_private_reports():
    result = run_settings(AWS_STORAGE_BUCKET_NAME="shop-media", REPORTS_BUCKET_NAME="shop-reports")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["storages"] == {
        "default": "storages.backends.s3.S3Storage",
        "reports": "storages.backends.s3.S3Storage",
        "staticfiles": "shop.storages.S3ManifestStaticStorage",
    }
    assert loaded["reports_private"] is True


def test_database_url_switches_to_postgresql_with_health_checks():
    result = run_settings(DATABASE_URL="postgres://user@db.example.com:5432/shop")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["conn_health"] is True


@pytest.mark.parametrize("missing", sorted(set(PRODUCTION) - {"SHOP_ENV"}))
def test_production_refuses_to_start_without_each_secret(missing):
    result = run_settings(**{k: v for k, v in PRODUCTION.items() if k != missing})
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_starts_with_its_secrets_and_without_local_sign_in():
    result = run_settings(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["debug"] is False
    assert loaded["local_issuer"] is False
    assert loaded["issuer"] == ""  # the validator derives the user pool's own URL


def test_local_sign_in_is_off_in_production_even_if_asked_for():
    result = run_settings(**PRODUCTION, COGNITO_LOCAL_ISSUER="true")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["local_issuer"] is False


def test_production_refuses_zappa_placeholders_left_unfilled():
    result = run_settings(
        **{**PRODUCTION, "SECRET_KEY": "${SECRET_KEY}", "ALLOWED_HOSTS": "${ALLOWED_HOSTS}"}
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS, SECRET_KEY still hold zappa_settings.json placeholders" in result.stderr
