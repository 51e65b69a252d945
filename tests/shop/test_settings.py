"""Settings are read at start-up, so each case starts a fresh interpreter with its environment."""

import json
import os
import subprocess
import sys

import pytest

from tests.shop.settings_process import PRODUCTION, ROOT, run_code, run_settings


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
        "default": "shop.storages.TimedS3Storage",
        "reports": "shop.storages.TimedS3Storage",
        "import_export": "shop.storages.TimedS3Storage",
        "staticfiles": "shop.storages.S3ManifestStaticStorage",
    }
    assert loaded["reports_private"] is True


def test_database_url_switches_to_postgresql_with_health_checks():
    result = run_settings(DATABASE_URL="postgres://user@db.example.com:5432/shop")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["conn_health"] is True


DATABASE_OPTIONS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(s.DATABASES['default']['OPTIONS']))"
)


@pytest.mark.parametrize(
    "process, statement, lock", [("web", "10s", "3s"), ("task", "300s", "30s")]
)
def test_postgresql_connections_start_with_timeouts_of_their_process(process, statement, lock):
    result = run_code(
        DATABASE_OPTIONS, DATABASE_URL="postgres://u@db.example.com/shop", SHOP_DB_PROCESS=process
    )
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout)
    assert options["connect_timeout"] == 3
    assert options["options"] == (
        f"-c statement_timeout={statement} -c lock_timeout={lock}"
        " -c idle_in_transaction_session_timeout=60s"
    )


def test_an_unknown_process_kind_is_refused_at_start():
    result = run_code(DATABASE_OPTIONS, SHOP_DB_PROCESS="batch")
    assert result.returncode != 0
    assert "SHOP_DB_PROCESS must be one of" in result.stderr


def test_sqlite_waits_its_turn_to_write_instead_of_failing():
    result = run_code(DATABASE_OPTIONS)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }


def test_manage_py_runs_commands_as_tasks_and_the_development_server_as_web():
    environment = {k: v for k, v in os.environ.items() if k != "SHOP_DB_PROCESS"}
    code = (
        "import os, sys; sys.argv = ['manage.py'] + sys.argv[1:]; "
        "import django.core.management as m, manage; m.execute_from_command_line = "
        "lambda argv: print(os.environ.get('SHOP_DB_PROCESS', 'unset')); manage.main()"
    )
    for command, expected in (("migrate", "task"), ("runserver", "unset")):
        result = subprocess.run(
            [sys.executable, "-c", code, command],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.stdout.strip() == expected, result.stderr


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


def test_production_always_asks_staff_for_a_second_factor():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SHOP_ADMIN_REQUIRE_2FA)"
    )
    assert run_code(code, **PRODUCTION, SHOP_ADMIN_REQUIRE_2FA="false").stdout.strip() == "True"
    assert run_code(code).stdout.strip() == "False"
