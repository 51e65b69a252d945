"""Every API view is closed unless it opens itself, and each one's choice is written down here.

A new view without its own permission choice fails `test_every_view_chooses_its_permissions`;
one whose choice differs from the table below fails `test_the_table_of_views_is_what_is_served`
until the table (reviewed like any other change) says so.
"""

import inspect

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

COGNITO = "CognitoAuthentication"
SESSION = "SessionAuthentication"
DEFAULT_AUTH = (COGNITO, SESSION)
# Views that answer requests other than with DRF: each is public for the reason given.
NOT_DRF = {
    "/api/v1/payments/stripe/webhook/": "Stripe's events, checked by their signature",
    "/api/schema/": "the published OpenAPI schema",
    "/api/docs/": "the published API docs",
}

# route -> (permission classes, or "by method" for a view that chooses per method; auth classes)
EXPECTED = {
    "/api/v1/categories/": ("AllowAny", DEFAULT_AUTH),
    "/api/v1/products/": ("AllowAny", DEFAULT_AUTH),
    "/api/v1/products/<slug:slug>/": ("AllowAny", DEFAULT_AUTH),
    "/api/v1/products/<id:pk>/": ("AllowAny", DEFAULT_AUTH),
    "/api/v1/cart/": ("IsAuthenticated", DEFAULT_AUTH),
    "/api/v1/cart/items/<id:product_id>/": ("IsAuthenticated", DEFAULT_AUTH),
    "/api/v1/cart/merge/": ("IsAuthenticated", DEFAULT_AUTH),
    "/api/v1/me/addresses/": ("IsAuthenticated", DEFAULT_AUTH),
    "/api/v1/me/addresses/<id:address_id>/": ("IsAuthenticated", DEFAULT_AUTH),
    "/api/v1/orders/": ("GET: IsAuthenticated; POST: AllowAny", DEFAULT_AUTH),
    "/api/v1/orders/<reference:reference>/": ("AllowAny", DEFAULT_AUTH),
    "/api/v1/orders/<reference:reference>/payment/": ("AllowAny", DEFAULT_AUTH),
    "/api/v1/orders/<reference:reference>/cancel/": ("AllowAny", DEFAULT_AUTH),
    "/api/v1/reports/": ("CanRequestReports", DEFAULT_AUTH),
    "/api/v1/reports/<uuid:report_id>/": ("CanRequestReports", DEFAULT_AUTH),
    "/api/v1/me/": ("IsAuthenticated", DEFAULT_AUTH),
}


def _routes(patterns=None, prefix=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + str(entry.pattern), entry.callback


def _api_views():
    """(route, view class) of every DRF view the site serves."""
    return [
        (route, callback.cls)
        for route, callback in _routes()
        if getattr(callback, "cls", None) is not None and issubclass(callback.cls, APIView)
    ]


def _names(classes) -> str:
    return ", ".join(cls.__name__ for cls in classes)


def _permissions_of(view: type[APIView]) -> str:
    if "get_permissions" not in _own(view):
        return _names(view.permission_classes)
    chosen = []
    for method in ("GET", "POST"):
        if method.lower() in dir(view):
            instance = view()
            instance.request = APIRequestFactory().generic(method, "/")
            chosen.append(f"{method}: {_names(type(p) for p in instance.get_permissions())}")
    return "; ".join(chosen)


def _own(view: type[APIView]) -> set[str]:
    """Attributes set by the project's classes of the view (not DRF's or a library's)."""
    apps = ("shop.", "catalog.", "orders.", "payments.", "reports.")
    return {name for cls in view.__mro__ if cls.__module__.startswith(apps) for name in vars(cls)}


def test_drf_closes_what_does_not_open_itself():
    assert settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] == [
        "rest_framework.permissions.IsAuthenticated"
    ]

    class Forgotten(APIView):
        def get(self, request):
            return Response({"secret": True})

    response = Forgotten.as_view()(APIRequestFactory().get("/"))
    assert response.status_code in (401, 403)
    assert "secret" not in response.data


def test_every_view_chooses_its_permissions():
    unchosen = [
        route
        for route, view in _api_views()
        if not {"permission_classes", "get_permissions"} & _own(view)
    ]
    assert unchosen == [], f"say permission_classes (AllowAny with why, or stricter): {unchosen}"


@pytest.mark.parametrize("route,view", _api_views(), ids=lambda v: getattr(v, "__name__", v))
def test_every_public_view_says_why(route, view):
    if AllowAny not in getattr(view, "permission_classes", ()):
        return
    source = inspect.getsource(view)
    before = source.split("permission_classes = [AllowAny]")[0].splitlines()[:-1]
    assert before and before[-1].strip().startswith("#"), f"{route}: say why it is public"


def test_the_table_of_views_is_what_is_served():
    served = {
        route: (_permissions_of(view), tuple(type(a).__name__ for a in view().get_authenticators()))
        for route, view in _api_views()
    }
    assert served == EXPECTED


def test_every_other_view_under_the_api_is_known():
    others = sorted(
        route
        for route, callback in _routes()
        if route.startswith("/api/")
        and getattr(callback, "cls", None) is None
        and route != "/^api/"  # the envelope's 404 for unknown API paths
    )
    assert others == sorted(NOT_DRF)
