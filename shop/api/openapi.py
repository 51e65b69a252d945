"""The OpenAPI schema and docs views, imported only when someone asks for them.

drf-spectacular's views and extension machinery take a quarter of a second to import on a
Lambda-sized CPU; the API itself does not need them, so cold starts do not pay for them.
"""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView


class CognitoIdTokenScheme(OpenApiAuthenticationExtension):
    """Documents customer sign-in: `Authorization: Bearer <Cognito ID token>`."""

    target_class = "shop.auth.CognitoAuthentication"
    name = "cognitoIdToken"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Bearer", bearer_format="JWT"
        )


class StaffSessionScheme(SessionScheme):
    """Documents staff sign-in: the admin's session cookie, CSRF-checked (the reports API)."""

    target_class = "shop.auth.SessionAuthentication"


def preprocess(endpoints, **kwargs):
    """A no-op preprocessing hook: naming it in settings makes every schema generation
    (views and `manage.py spectacular`) import this module, registering the extension above."""
    return endpoints


schema_view = SpectacularAPIView.as_view()
docs_view = SpectacularSwaggerView.as_view(url_name="schema")
