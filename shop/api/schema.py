"""OpenAPI pieces shared by every API: the error envelope, customer sign-in."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorEnvelope = inline_serializer(
    name="ErrorEnvelope",
    fields={
        "error": inline_serializer(
            name="Error",
            fields={
                "code": serializers.CharField(help_text="Stable, documented error code."),
                "message": serializers.CharField(help_text="Readable explanation."),
                "details": serializers.DictField(help_text="Per-field or per-item details."),
            },
        )
    },
)


def error_responses(**described: str) -> dict[int, OpenApiResponse]:
    """Document error statuses, e.g. error_responses(e400="Invalid filter values.")."""
    return {
        int(status.lstrip("e")): OpenApiResponse(ErrorEnvelope, description=description)
        for status, description in described.items()
    }


class CognitoIdTokenScheme(OpenApiAuthenticationExtension):
    """Documents customer sign-in: `Authorization: Bearer <Cognito ID token>`."""

    target_class = "shop.cognito.CognitoAuthentication"
    name = "cognitoIdToken"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Bearer", bearer_format="JWT"
        )
