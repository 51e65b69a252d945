"""Settings for every environment, read from environment variables.

Local defaults need no set-up at all (SQLite under var/, files under var/media/,
console email). Production (SHOP_ENV=production) refuses to start without its
secrets. See README.md, "Configuration", for every variable.
"""

import os
import re
from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A local .env file is a convenience for developers; production uses real variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SHOP_ENV = env.str("SHOP_ENV", default="local")
if SHOP_ENV not in {"local", "test", "production"}:
    raise ImproperlyConfigured(f"SHOP_ENV must be local, test or production, not {SHOP_ENV!r}.")
PRODUCTION = SHOP_ENV == "production"


def _required(name: str) -> str:
    """Return a variable production cannot run without, or refuse to start."""
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when SHOP_ENV=production.")
    return value


if PRODUCTION:
    # zappa_settings.json names values as ${PLACEHOLDERS} that infra/zappa_stage.py fills in
    # at deploy time; one that reached the function means a deployment skipped that step.
    _unfilled = sorted(k for k, v in os.environ.items() if re.fullmatch(r"\$\{\w+\}", v))
    if _unfilled:
        raise ImproperlyConfigured(
            f"{', '.join(_unfilled)} still hold zappa_settings.json placeholders: deploy with "
            "the settings file written by infra/zappa_stage.py (see docs/deploy.md)."
        )
    SECRET_KEY = _required("SECRET_KEY")
    _required("DATABASE_URL")
    for _name in ("COGNITO_AWS_REGION", "COGNITO_USER_POOL", "COGNITO_AUDIENCE", "SHOP_BASE_URL"):
        _required(_name)
else:
    # Only ever used for local runs and tests; production refuses this default above.
    SECRET_KEY = env.str("SECRET_KEY", default="local-insecure-key-never-used-in-production")

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
# Production: the API Gateway host and the custom domain, comma-separated.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION:
    _required("ALLOWED_HOSTS")
    # API Gateway terminates TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "shop",
    "catalog",
    "orders",
    "reports",
]

MIDDLEWARE = [
    "shop.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"
AUTH_USER_MODEL = "shop.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
if not PRODUCTION:
    # Local databases and files live in var/, which a fresh clone does not have yet.
    VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'shop.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Lambda reuses a warm container's connection; health checks drop dead ones first.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_shop")}
    # Its lookups and type handlers are PostgreSQL's; on SQLite it would only cost a cold
    # start the import of psycopg (~45 ms).
    INSTALLED_APPS.insert(INSTALLED_APPS.index("rest_framework"), "django.contrib.postgres")
else:
    # A file, not the in-memory default: the browser tests' live server threads then get
    # connections of their own instead of sharing the test thread's.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Files: product images (public) and reports (private) ------------------------------
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATIC_URL = env.str("STATIC_URL", default="/static/")
# Where the static files manifest (staticfiles.json) is read from when they live on S3:
# the root of the Lambda package, where `make package` puts it.
STATIC_MANIFEST_DIR = env.path("STATIC_MANIFEST_DIR", default=BASE_DIR)
REPORTS_ROOT = env.path("REPORTS_ROOT", default=VAR_DIR / "reports")

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
REPORTS_BUCKET_NAME = env.str("REPORTS_BUCKET_NAME", default="")
STATIC_BUCKET_NAME = env.str("STATIC_BUCKET_NAME", default="")

if AWS_STORAGE_BUCKET_NAME:
    _s3 = "storages.backends.s3.S3Storage"
    _s3_common = {"endpoint_url": AWS_S3_ENDPOINT_URL, "region_name": AWS_S3_REGION_NAME}
    STORAGES = {
        # Product images are public, served through CloudFront when a domain is given.
        "default": {
            "BACKEND": _s3,
            "OPTIONS": {
                **_s3_common,
                "bucket_name": AWS_STORAGE_BUCKET_NAME,
                "location": "media",
                "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
                "querystring_auth": False,
                "file_overwrite": False,
            },
        },
        # Reports are private: only short-lived presigned URLs ever reach a browser.
        "reports": {
            "BACKEND": _s3,
            "OPTIONS": {
                **_s3_common,
                "bucket_name": REPORTS_BUCKET_NAME or AWS_STORAGE_BUCKET_NAME,
                "location": "reports",
                "querystring_auth": True,
                "querystring_expire": env.int("REPORTS_PRESIGNED_SECONDS", default=300),
                "signature_version": "s3v4",
                "default_acl": None,
                "file_overwrite": True,
            },
        },
        # Hashed names (cached for a year by CloudFront), manifest inside the package.
        "staticfiles": {
            "BACKEND": "shop.storages.S3ManifestStaticStorage",
            "OPTIONS": {
                **_s3_common,
                "bucket_name": STATIC_BUCKET_NAME or AWS_STORAGE_BUCKET_NAME,
                "location": "static",
                "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
                "querystring_auth": False,
            },
        },
    }
else:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # No base_url: report files are never served directly, only through the app.
            "OPTIONS": {"location": REPORTS_ROOT, "base_url": None},
        },
        # `make package` collects with ManifestStaticFilesStorage: the files and manifest
        # that go to S3.
        "staticfiles": {
            "BACKEND": env.str(
                "STATICFILES_BACKEND",
                default="django.contrib.staticfiles.storage.StaticFilesStorage",
            )
        },
    }

# --- Email ----------------------------------------------------------------------------
# Amazon SES (django-ses) as soon as a region is named; the console locally.
# Only defined when given: django-ses builds its endpoint from them, and an empty region
# would make "email..amazonaws.com".
if env.str("AWS_SES_REGION_NAME", default=""):
    AWS_SES_REGION_NAME = env.str("AWS_SES_REGION_NAME")
if env.str("AWS_SES_REGION_ENDPOINT_URL", default=""):
    AWS_SES_REGION_ENDPOINT_URL = env.str("AWS_SES_REGION_ENDPOINT_URL")
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django_ses.SESBackend"
    if env.str("AWS_SES_REGION_NAME", default="")
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="shop@example.com")

# --- The shop -------------------------------------------------------------------------
SHOP_NAME = env.str("SHOP_NAME", default="The Shop")
SHOP_CURRENCY = env.str("SHOP_CURRENCY", default="EUR")
SHOP_LOW_STOCK_THRESHOLD = env.int("SHOP_LOW_STOCK_THRESHOLD", default=5)
# Lambda refuses request bodies over 6 MB; stay well below once encoded.
SHOP_MAX_IMAGE_BYTES = env.int("SHOP_MAX_IMAGE_BYTES", default=4 * 1024 * 1024)
SHOP_THUMBNAIL_SIZE = env.int("SHOP_THUMBNAIL_SIZE", default=320)
SHOP_SHIPPING_FEE = Decimal(env.str("SHOP_SHIPPING_FEE", default="0.00")).quantize(Decimal("0.01"))
SHOP_MAX_QUANTITY = env.int("SHOP_MAX_QUANTITY", default=99)
SHOP_MAX_ORDER_LINES = env.int("SHOP_MAX_ORDER_LINES", default=50)
# Guests placing orders, per client address; signed-in customers are not limited by this.
SHOP_ORDER_THROTTLE_ANON = env.str("SHOP_ORDER_THROTTLE_ANON", default="30/min")

# Throttling counts live here. Per process by default; point CACHE_URL at a shared cache
# (e.g. dbcache://django_cache after `manage.py createcachetable`) in production.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

LOCAL_BASE_URL = env.str("LOCAL_BASE_URL", default="http://127.0.0.1:8000")

# --- Reports --------------------------------------------------------------------------
# Where links in emails point: the app itself (API Gateway or custom domain in production).
SHOP_BASE_URL = env.str("SHOP_BASE_URL", default=LOCAL_BASE_URL if not PRODUCTION else "")
SHOP_REPORT_LINK_DAYS = env.float("SHOP_REPORT_LINK_DAYS", default=7.0)
SHOP_REPORT_ORDER_ROWS = env.int("SHOP_REPORT_ORDER_ROWS", default=1000)
SHOP_REPORT_MAX_DAYS = env.int("SHOP_REPORT_MAX_DAYS", default=366)
SHOP_REPORT_TIMEOUT_MINUTES = env.int("SHOP_REPORT_TIMEOUT_MINUTES", default=15)
SHOP_REPORT_RETENTION_DAYS = env.int("SHOP_REPORT_RETENTION_DAYS", default=90)

# --- Customer sign-in (Cognito ID tokens) ----------------------------------------------
# Locally a stand-in issuer (shop.local_cognito) signs tokens; the API checks them with the
# production code. Production always uses the real user pool.
COGNITO_LOCAL_ISSUER = not PRODUCTION and env.bool("COGNITO_LOCAL_ISSUER", default=True)
COGNITO_LOCAL_KEY_FILE = VAR_DIR / "local-cognito" / "key.pem"
COGNITO_AWS_REGION = env.str("COGNITO_AWS_REGION", default="local")
COGNITO_USER_POOL = env.str("COGNITO_USER_POOL", default="local-pool")
COGNITO_AUDIENCE = env.str("COGNITO_AUDIENCE", default="local-spa-client")
COGNITO_ISSUER = env.str(
    "COGNITO_ISSUER",
    default=f"{LOCAL_BASE_URL}/local-cognito/{COGNITO_USER_POOL}" if COGNITO_LOCAL_ISSUER else "",
)
COGNITO_JWKS_URL = env.str("COGNITO_JWKS_URL", default="")
COGNITO_JWKS_MIN_REFRESH_SECONDS = env.float("COGNITO_JWKS_MIN_REFRESH_SECONDS", default=300.0)

# --- API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "shop.auth.CognitoAuthentication",
        # Employees signed in to the admin (reports API); CSRF-checked.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "shop.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "shop.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Shop API",
    "DESCRIPTION": "Storefront API: catalog, cart, checkout, orders. Errors use one envelope.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["shop.api.openapi.preprocess"],
}

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"

# JSON lines with the request id in production (CloudWatch), plain text locally.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "shop.logs.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
