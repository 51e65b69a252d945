"""OpenAPI pieces shared by every API: the error envelope."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
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


def request_example(name: str, value: Any) -> OpenApiExample:
    """A request body example for the docs and for schemathesis' examples phase."""
    return OpenApiExample(name, value=value, request_only=True)


def error_responses(**described: str) -> dict[int, OpenApiResponse]:
    """Document error statuses, e.g. error_responses(e400="Invalid filter values.")."""
    return {
        int(status.lstrip("e")): OpenApiResponse(ErrorEnvelope, description=description)
        for status, description in described.items()
    }
