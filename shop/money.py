"""Money, defined once: the columns that hold it, rounding, and Stripe's minor units.

Money is `Decimal` with two places in one shop currency, never a float. Every model field
that holds money is a `MoneyField`; every serializer field a `shop.api.fields.money_field`;
every rounding goes through `money_round`.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models

MONEY_MAX_DIGITS = 12  # up to 9,999,999,999.99
MONEY_DECIMAL_PLACES = 2
CENT = Decimal("0.01")


class MoneyField(models.DecimalField):
    """A column of money: Decimal, two places, twelve digits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_DECIMAL_PLACES)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        # Migrations record a plain DecimalField: they need nothing of this module.
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


def money_round(value: Decimal | int | str) -> Decimal:
    """Round to the cent, halves away from zero (as shops and tax offices round)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money_format(amount: Decimal | int | None, currency: str = "") -> str:
    """Money as every page and email shows it: grouped, two places, then the currency.

    1234.5, "EUR" -> "1,234.50 EUR". The one format; templates use the `money` filter
    (shop_format), which gives the shop's currency when none is passed.
    """
    text = f"{Decimal(amount or 0):,.2f}"
    return f"{text} {currency}" if currency else text


def to_minor_units(amount: Decimal) -> int:
    """Return an amount of a two-decimal currency in minor units (cents), exactly."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} has more than two decimal places")
    return int(cents)
