"""Settings are read at start-up: load them in a fresh interpreter with a given environment."""

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
    "'conn_health': s.DATABASES['default'].get('CONN_HEALTH_CHECKS'), "
    "'local_issuer': s.COGNITO_LOCAL_ISSUER, 'issuer': s.COGNITO_ISSUER}))"
)


def run_settings(**overrides: str) -> subprocess.CompletedProcess:
    """Load the settings with only `overrides` of the shop's variables; print a summary."""
    return run_code(PRINT_SETTINGS, **overrides)


def run_code(code: str, **overrides: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter with only `overrides` of the shop's variables."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            (
                "AWS_",
                "DATABASE_URL",
                "SECRET_KEY",
                "SHOP_",
                "COGNITO_",
                "LOCAL_",
                "ALLOWED_HOSTS",
                "STRIPE_",
                "PAYMENTS_",
            )
        )
    }
    environment.update(DJANGO_SETTINGS_MODULE="shop.settings", **overrides)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


# The least a production environment must give.
PRODUCTION = {
    "SHOP_ENV": "production",
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://u@h/db",
    "COGNITO_AWS_REGION": "eu-north-1",
    "COGNITO_USER_POOL": "eu-north-1_AbCdEf",
    "COGNITO_AUDIENCE": "client-id",
    "SHOP_BASE_URL": "https://shop.example.com",
    "ALLOWED_HOSTS": "shop.example.com",
    "STRIPE_SECRET_KEY": "sk_test_" + "x" * 24,
    "STRIPE_WEBHOOK_SECRET": "whsec_" + "x" * 24,
}
