"""Where settings come from: environment variables (django-environ), and which environment.

Local defaults need no set-up at all; production (SHOP_ENV=production) refuses to start
without its secrets. README.md, "Configuration", lists every variable.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A local .env file is a convenience for developers; production uses real variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SHOP_ENV = env.str("SHOP_ENV", default="local")
if SHOP_ENV not in {"local", "production"}:
    raise ImproperlyConfigured(f"SHOP_ENV must be local or production, not {SHOP_ENV!r}.")
PRODUCTION = SHOP_ENV == "production"

if not PRODUCTION:
    # Local databases and files live in var/, which a fresh clone does not have yet.
    VAR_DIR.mkdir(exist_ok=True)


def required(name: str) -> str:
    """Return a variable production cannot run without, or refuse to start."""
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when SHOP_ENV=production.")
    return value
