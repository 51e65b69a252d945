"""Imports deferred for cold starts stay deferred (docs/design.md, "Conventions")."""

import json

from tests.shop.settings_process import PRODUCTION, run_code

# Loaded with the first use that needs them, never by start-up: each costs a cold start
# milliseconds that a guest reading the catalog would pay for nothing.
DEFERRED = ["jwt", "django_cognito_jwt", "stripe", "PIL", "zappa.asynchronous"]

START_UP = (
    "import json, sys; from shop.wsgi import application; "
    "from django.urls import get_resolver; get_resolver().url_patterns; "
    f"print(json.dumps(sorted(m for m in {DEFERRED!r} if m in sys.modules)))"
)


def test_start_up_loads_none_of_the_deferred_packages():
    done = run_code(START_UP, **PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_the_check_sees_a_deferred_package_loaded_early():
    done = run_code("import stripe; " + START_UP, **PRODUCTION)
    assert json.loads(done.stdout.splitlines()[-1]) == ["stripe"]
