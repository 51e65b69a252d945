from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path, re_path

from reports.views import report_download
from shop import password_reset, second_factor
from shop.api.errors import api_not_found
from shop.apis import MeApi
from shop.views import healthz, readyz


def openapi_schema(request, *args, **kwargs):
    """Serve the OpenAPI schema (its machinery is imported on first use: see shop.api.openapi)."""
    from shop.api.openapi import schema_view

    return schema_view(request, *args, **kwargs)


def openapi_docs(request, *args, **kwargs):
    """Serve the browsable API docs, with their assets from the sidecar package."""
    from shop.api.openapi import docs_view

    return docs_view(request, *args, **kwargs)


api_v1: list[URLPattern | URLResolver] = [
    path("", include("catalog.urls")),
    path("", include("orders.urls")),
    path("", include("payments.urls")),
    path("", include("reports.urls")),
    path("me/", MeApi.as_view(), name="me"),
]

urlpatterns = [
    # Before the admin's own: the pages a staff member reaches before their second factor.
    path("admin/second-factor/enrol/", second_factor.enrol, name="second-factor-enrol"),
    path("admin/second-factor/verify/", second_factor.verify, name="second-factor-verify"),
    # Employees' password reset (the admin's login page links to it).
    path(
        "admin/password_reset/",
        password_reset.StaffPasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        "admin/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "admin/reset/<uidb64>/<token>/",
        password_reset.StaffPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", openapi_schema, name="schema"),
    path("api/docs/", openapi_docs, name="api-docs"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("reports/download/<str:token>/", report_download, name="report-download"),
    # Unknown API paths answer with the envelope even when DEBUG shows HTML 404 pages.
    re_path(r"^api/", api_not_found),
]

if settings.COGNITO_LOCAL_ISSUER:
    from shop import local_cognito

    cognito = "local-cognito/<str:pool>/"
    urlpatterns += [
        path(f"{cognito}.well-known/jwks.json", local_cognito.jwks),
        path(f"{cognito}.well-known/openid-configuration", local_cognito.openid_configuration),
        path(f"{cognito}oauth2/authorize", local_cognito.authorize, name="local-cognito-authorize"),
        path(f"{cognito}oauth2/token", local_cognito.oauth_token, name="local-cognito-oauth-token"),
        path(f"{cognito}oauth2/userInfo", local_cognito.userinfo),
        path(f"{cognito}logout", local_cognito.logout, name="local-cognito-logout"),
        # For curl and scripts: an email (and name) posted, an ID token back.
        path(f"{cognito}token", local_cognito.token, name="local-cognito-token"),
    ]

if not settings.PRODUCTION:
    # Answers only while PAYMENTS_PROVIDER is local; production never mounts it.
    from payments.local import local_pay

    urlpatterns += [path("local-payments/<str:intent_id>/pay", local_pay, name="local-pay")]

if settings.DEBUG and not settings.AWS_STORAGE_BUCKET_NAME:
    # Local runs serve uploaded images themselves; production serves them from S3/CloudFront.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if not settings.PRODUCTION:
    # The storefront's build at / (production serves it from S3 through CloudFront). Last:
    # any path no pattern above took is one of the SPA's routes.
    from shop.storefront import storefront_config, storefront_page

    urlpatterns += [
        path("config.json", storefront_config, name="storefront-config"),
        re_path(
            r"^(?!api/|admin/|local-cognito/|local-payments/|media/|static/|reports/)(?P<path>.*)$",
            storefront_page,
            name="storefront",
        ),
    ]

handler400 = "shop.api.errors.handler400"
handler404 = "shop.api.errors.handler404"
handler500 = "shop.api.errors.handler500"
