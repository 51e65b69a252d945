"""Input fields as strict as the schema says: a JSON integer is an integer, nothing else."""

from typing import Any

from rest_framework import serializers

from shop import text
from shop.api.converters import BIGINT_MAX
from shop.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


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
    """Text a person typed: a JSON string only (DRF's CharField turns 12 into "12"), held to
    shop.text.human_text, then trimmed.

    The rule and the length are checked on the text as sent, before trimming, because that
    is what the schema describes (shop.api.openapi.TextFieldScheme states the same pattern).
    """

    default_error_messages = {
        "invalid": "Must be a string.",
        "invalid_text": text.MESSAGE,
    }

    def run_validation(self, data: Any = serializers.empty) -> Any:
        # Before DRF's blank check, which passes whitespace of any kind ("\v") as "".
        if isinstance(data, str) and data.strip() == "" and data and not text.is_visible_text(data):
            self.fail("invalid_text")
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if data and not text.is_visible_text(data):
            self.fail("invalid_text")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
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


class EmailAddressField(serializers.EmailField):
    """An email address typed by a person: a JSON string, readable text (Django's validator
    takes control characters inside a quoted local part), then a valid address."""

    default_error_messages = {"invalid_text": text.MESSAGE}

    def run_validation(self, data: Any = serializers.empty) -> Any:
        # Before DRF's blank check, which passes whitespace of any kind ("\v") as "".
        if isinstance(data, str) and data.strip() == "" and data and not text.is_visible_text(data):
            self.fail("invalid_text")
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if data and not text.is_visible_text(data):
            self.fail("invalid_text")
        return super().to_internal_value(data)


def money_field(**kwargs: Any) -> serializers.DecimalField:
    """An amount of money in an answer: a string with two decimals, as shop.money defines it."""
    return serializers.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, **kwargs
    )
