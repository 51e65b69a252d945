"""The API's customer authentication, as named in REST_FRAMEWORK settings."""

from django.conf import settings
from rest_framework import authentication, exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request


class CognitoAuthentication(BaseAuthentication):
    """`Authorization: Bearer <Cognito ID token>` for customers; any bad token is a 401.

    shop.cognito does the work (shop.cognito.authenticate_bearer): the token machinery
    (PyJWT, cryptography, django-cognito-jwt, ~25 ms of imports) loads with the first bearer
    token, so a cold start serving the catalog to a guest never pays for it.
    """

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        from shop.cognito import authenticate_bearer

        return authenticate_bearer(request)

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class CsrfFailed(exceptions.PermissionDenied):
    default_code = "csrf_failed"


class SecondFactorRequired(exceptions.PermissionDenied):
    default_code = "second_factor_required"
    default_detail = "Sign in to the admin with your second factor first."


class SessionAuthentication(authentication.SessionAuthentication):
    """Employees signed in to the admin; a missing CSRF token is `csrf_failed`, not a vague 403.

    With SHOP_ADMIN_REQUIRE_2FA, a session signed in without its second factor is refused
    (403 `second_factor_required`), as the admin refuses it.
    """

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None and settings.SHOP_ADMIN_REQUIRE_2FA:
            user = found[0]
            if user.is_staff and not getattr(request._request.user, "is_verified", lambda: False)():
                raise SecondFactorRequired()
        return found

    def enforce_csrf(self, request: Request) -> None:
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            raise CsrfFailed(
                "CSRF verification failed: send the X-CSRFToken header.", code="csrf_failed"
            ) from exc
