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
