"""Django itself: apps, middleware, templates, the database, users, time zone."""

from shop.settings.environment import BASE_DIR, VAR_DIR, env

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
