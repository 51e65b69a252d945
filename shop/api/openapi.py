"""The OpenAPI schema and docs views, imported only when someone asks for them.

drf-spectacular's views and extension machinery take a quarter of a second to import on a
Lambda-sized CPU; the API itself does not need them, so cold starts do not pay for them.
"""

from typing import Any

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from shop.text import VISIBLE_TEXT


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


class InputSerializerScheme(OpenApiSerializerExtension):
    """Request bodies refuse fields they do not declare, and the schema says so."""

    target_class = "shop.api.fields.InputSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = False
        return schema


class TextFieldScheme(OpenApiSerializerFieldExtension):
    """Text in requests: the schema says what the field refuses."""

    target_class = "shop.api.fields.TextField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        return _readable_text(self.target, auto_schema, direction)


class EmailAddressFieldScheme(TextFieldScheme):
    target_class = "shop.api.fields.EmailAddressField"


def _readable_text(field: Any, auto_schema: Any, direction: str) -> dict[str, Any]:
    """The schema drf-spectacular makes for `field`, with the readable-text rule in requests."""
    schema = auto_schema._map_serializer_field(field, direction, bypass_extensions=True)
    if direction == "request" and "pattern" not in schema and "enum" not in schema:
        # Readable text (shop.text), the very pattern the field checks. drf-spectacular
        # offers a blank-allowed field as oneOf [this, maxLength 0]; the pattern never
        # matches "", so exactly one of the two does.
        schema["pattern"] = VISIBLE_TEXT
        if not field.allow_blank:
            schema.setdefault("minLength", 1)
    return schema


# Answers every operation may give, whatever it does (see shop.api.middleware and errors).
COMMON = {
    "400": "Malformed request: a NUL byte in the path or a query parameter, or invalid fields.",
    "401": "A bearer token was sent but is invalid or expired (or the operation needs one).",
    "503": "The database does not answer; try again after Retry-After seconds.",
}
WITH_BODY = {
    "413": "The request body is larger than this API accepts.",
    "415": "The request body is not JSON.",
}
WITH_PATH = {"404": "Not found (also a path parameter not in the documented form)."}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
    }


# Examples of path parameters, by name (so that schemathesis' examples phase calls each).
PATH_EXAMPLES: dict[str, Any] = {
    "id": 3,
    "product_id": 3,
    "address_id": 1,
    "slug": "kenya-aa-cof-004",
    "reference": "GGABR-WE85Z",
    "report_id": "3f0c6d1e-8a5b-4c2d-9e7f-1a2b3c4d5e6f",
}


CONFLICT = (
    "conflict: changed by another request at the same moment, nothing was saved; try again "
    "after Retry-After seconds."
)


def postprocess(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """Document the statuses every operation can answer, as the middleware and handler do;
    give each path parameter an example."""
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] in PATH_EXAMPLES:
                    parameter.setdefault("example", PATH_EXAMPLES[parameter["name"]])
            statuses = dict(COMMON)
            if "requestBody" in operation:
                statuses.update(WITH_BODY)
            if "{" in path:
                statuses.update(WITH_PATH)
            if any(p["name"] == "page" for p in operation.get("parameters", [])):
                statuses["404"] = "No such page (past the last one)."
            responses = operation.setdefault("responses", {})
            for status, description in statuses.items():
                responses.setdefault(status, _error(description))
            responses["503"].setdefault("headers", RETRY_AFTER)
            if method in ("post", "put", "patch", "delete"):
                # Any write can meet another (shop.db.conflict_retried).
                if "409" in responses:
                    responses["409"]["description"] += f" Or {CONFLICT}"
                else:
                    responses["409"] = _error(CONFLICT.capitalize())
                responses["409"].setdefault("headers", RETRY_AFTER)
            if "429" in responses:
                responses["429"].setdefault("headers", RETRY_AFTER)
    return result


def preprocess(endpoints, **kwargs):
    """A no-op preprocessing hook: naming it in settings makes every schema generation
    (views and `manage.py spectacular`) import this module, registering the extension above."""
    return endpoints


schema_view = SpectacularAPIView.as_view()
docs_view = SpectacularSwaggerView.as_view(url_name="schema")
