"""Input fields as strict as the schema says: a JSON integer is an integer, nothing else."""

from typing import Any

from rest_framework import serializers

from shop.api.converters import BIGINT_MAX


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only, bounded (at most 2^63 - 1 unless told less).

    DRF's IntegerField takes "1", 1.0, " 1 ", "+1", "1_0" (as 10), Arabic and full-width
    digits; the schema says integer, so anything but a JSON integer is refused, and a
    boolean (an int to Python) too.
    """

    default_error_messages = {"invalid": "Must be a JSON integer."}

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if type(data) is not int:
            self.fail("invalid")
        return data


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only: DRF's BooleanField also takes 0, 1, "yes", "on" and more."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if type(data) is not bool:
            self.fail("invalid")
        return data


class TextField(serializers.CharField):
    """Text a person typed: a JSON string only (DRF's CharField turns 12 into "12").

    Trimmed and refused when it holds NUL, as DRF's CharField does; the schema says both
    (shop.api.openapi.TextFieldScheme).
    """

    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class InputSerializer(serializers.Serializer):
    """A request body: fields it does not declare are refused, not silently dropped.

    A typo ("quantiy") would otherwise be ignored and its default used. The schema says
    `additionalProperties: false` for every subclass (shop.api.openapi.InputSerializerScheme).
    """

    def to_internal_value(self, data: Any) -> Any:
        names = set(data) if isinstance(data, dict) else set()
        unknown = {str(name): ["Unknown field."] for name in sorted(names - set(self.fields))}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **unknown}) from exc
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value
