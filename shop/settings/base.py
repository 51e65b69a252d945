"""Django itself: apps, middleware, templates, the database, users, time zone."""

from importlib.util import find_spec
from pathlib import Path

from shop.settings.environment import BASE_DIR, VAR_DIR, env

# django-import-export (the catalog's spreadsheets) is not an installed app: the admin would
# load it, with tablib, openpyxl and PyYAML, at every cold start. Its templates and static
# files are read from where it is installed; catalog.spreadsheets loads it on first use.
_IMPORT_EXPORT = Path(find_spec("import_export").origin or "").parent  # type: ignore[union-attr]
STATICFILES_DIRS = [_IMPORT_EXPORT / "static"]

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
    "payments",
    "reports",
]

MIDDLEWARE = [
    "shop.clientip.ClientAddressMiddleware",
    "shop.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "shop.api.middleware.CorsHeaderCaseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Inside CORS, so its own answers (400 for NUL, the envelope) still carry CORS headers.
    "shop.api.middleware.ApiGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: a conflict in the admin becomes a message on the same page.
    "shop.admin_conflicts.AdminConflictMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"
AUTH_USER_MODEL = "shop.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates", _IMPORT_EXPORT / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "libraries": {"import_export_tags": "import_export.templatetags.import_export_tags"},
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'shop.sqlite3'}"),
}
# Timeouts at the database's edge (docs/design.md, "Timeouts"), in seconds. A connection
# that gets no answer gives up after SHOP_DB_CONNECT_TIMEOUT_SECONDS (psycopg's own default
# waits 130 s); a statement or a wait for a lock is cut off after the "web" values in a web
# request, and after the longer "task" values in background tasks, schedules and
# management commands (shop.db.task_timeouts; manage.py names its process a task).
SHOP_DB_CONNECT_TIMEOUT_SECONDS = env.int("SHOP_DB_CONNECT_TIMEOUT_SECONDS", default=3)
SHOP_DB_TIMEOUTS = {
    "web": {
        "statement_timeout": env.int("SHOP_DB_STATEMENT_TIMEOUT_WEB_SECONDS", default=10),
        "lock_timeout": env.int("SHOP_DB_LOCK_TIMEOUT_WEB_SECONDS", default=3),
    },
    "task": {
        "statement_timeout": env.int("SHOP_DB_STATEMENT_TIMEOUT_TASK_SECONDS", default=300),
        "lock_timeout": env.int("SHOP_DB_LOCK_TIMEOUT_TASK_SECONDS", default=30),
    },
}
# Which of the two a new connection starts with: "task" for manage.py, "web" otherwise.
SHOP_DB_PROCESS = env.str("SHOP_DB_PROCESS", default="web")
if SHOP_DB_PROCESS not in SHOP_DB_TIMEOUTS:
    raise ValueError(f"SHOP_DB_PROCESS must be one of {sorted(SHOP_DB_TIMEOUTS)}")

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Lambda reuses a warm container's connection; health checks drop dead ones first.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    _timeouts = SHOP_DB_TIMEOUTS[SHOP_DB_PROCESS]
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": SHOP_DB_CONNECT_TIMEOUT_SECONDS,
            # Sent at connect: no extra round trip. A transaction left open (a crashed
            # worker) gives its locks back after a minute.
            "options": " ".join(f"-c {name}={seconds}s" for name, seconds in _timeouts.items())
            + " -c idle_in_transaction_session_timeout=60s",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_shop")}
    # Its lookups and type handlers are PostgreSQL's; on SQLite it would only cost a cold
    # start the import of psycopg (~45 ms).
    INSTALLED_APPS.insert(INSTALLED_APPS.index("rest_framework"), "django.contrib.postgres")
else:
    # A file, not the in-memory default: the browser tests' live server threads then get
    # connections of their own instead of sharing the test thread's.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    # A few buyers at once on the local run: readers never wait for the writer (WAL), a
    # writer waits its turn for up to 20 s instead of failing with "database is locked",
    # and a transaction takes the write lock when it begins (IMMEDIATE), so two
    # transactions never both read and then both fail to upgrade to writing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# One date format everywhere, ISO 8601 (shop/formats/en/formats.py).
FORMAT_MODULE_PATH = ["shop.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
