"""Secrets, hosts and HTTPS; production refuses to start without what it needs."""

import os
import re

from django.core.exceptions import ImproperlyConfigured

from shop.settings.environment import PRODUCTION, env, required

if PRODUCTION:
    # zappa_settings.json names values as ${PLACEHOLDERS} that infra/zappa_stage.py fills in
    # at deploy time; one that reached the function means a deployment skipped that step.
    _unfilled = sorted(k for k, v in os.environ.items() if re.fullmatch(r"\$\{\w+\}", v))
    if _unfilled:
        raise ImproperlyConfigured(
            f"{', '.join(_unfilled)} still hold zappa_settings.json placeholders: deploy with "
            "the settings file written by infra/zappa_stage.py (see docs/deploy.md)."
        )
    SECRET_KEY = required("SECRET_KEY")
    for _name in ("DATABASE_URL", "ALLOWED_HOSTS", "SHOP_BASE_URL"):
        required(_name)
else:
    # Only ever used for local runs and tests; production refuses this default above.
    SECRET_KEY = env.str("SECRET_KEY", default="local-insecure-key-never-used-in-production")

# Keys retired by a rotation (comma-separated), still accepted for what they signed: report
# links, sessions, guest order tokens derived from Idempotency-Keys. Signing uses SECRET_KEY.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
# Production: the API Gateway host and the custom domain, comma-separated.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION:
    # API Gateway terminates TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
