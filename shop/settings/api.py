"""The REST API: DRF, its OpenAPI schema, and which browser origins may call it."""

from corsheaders.defaults import default_headers

from shop.settings.environment import PRODUCTION, env

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["shop.api.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "shop.auth.CognitoAuthentication",
        # Employees signed in to the admin (reports API); CSRF-checked.
        "shop.auth.SessionAuthentication",
    ],
    # Closed unless opened: a view that is public says AllowAny itself, with why
    # (tests/security/test_view_permissions.py lists every view and its choice).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "shop.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "shop.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Throttles key on REMOTE_ADDR only, never on X-Forwarded-For as sent (shop.clientip).
    "NUM_PROXIES": 0,
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
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "shop.api.openapi.postprocess",
    ],
    # The path converters of shop.api.converters, as their regexes and bounds say.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
        "reference": {"type": "string", "pattern": "^[A-Za-z0-9-]{1,16}$"},
    },
}

# Browser SPAs on other origins (the storefront): CORS_ALLOWED_ORIGINS lists them, e.g.
# https://shop.example.com. Tokens travel in headers, never cookies, so no credentials.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
# Locally the stand-ins for Cognito's Hosted UI and for paying answer the storefront too.
CORS_URLS_REGEX = r"^/api/.*$" if PRODUCTION else r"^/(api|local-cognito|local-payments)/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = (*default_headers, "idempotency-key", "x-order-token")
CORS_EXPOSE_HEADERS = ["Idempotent-Replayed", "Location", "Retry-After"]
CORS_PREFLIGHT_MAX_AGE = env.int("CORS_PREFLIGHT_MAX_AGE", default=86400)

# CSRF failures of session requests (staff on the reports API) answer in the envelope.
CSRF_FAILURE_VIEW = "shop.api.errors.csrf_failure"
