"""URL converters that only match what the database can hold.

A path segment that does not match falls through to the next pattern and, under /api/, to the
404 envelope: an id of 2^63 or more (SQLite cannot bind it; PostgreSQL's bigint cannot hold
it) or a reference with a NUL byte (PostgreSQL text cannot hold it) never reaches a query.
"""

from django.urls import register_converter

BIGINT_MAX = 2**63 - 1


class IdConverter:
    """A database id: 1 to 19 ASCII digits, at most 2^63 - 1."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > BIGINT_MAX:
            raise ValueError("beyond a 64-bit id")  # Django reads this as "no match"
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class ReferenceConverter:
    """An order reference: letters, digits and dashes, as orders.services makes them."""

    regex = "[A-Za-z0-9-]{1,16}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def register() -> None:
    register_converter(IdConverter, "id")
    register_converter(ReferenceConverter, "reference")
