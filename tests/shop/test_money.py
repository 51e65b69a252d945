"""Money is defined once (shop.money): every money column, serializer field and rounding."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models

from shop.money import (
    MONEY_DECIMAL_PLACES,
    MONEY_MAX_DIGITS,
    MoneyField,
    money_round,
    to_minor_units,
)


def test_every_decimal_column_of_the_shop_is_a_money_field():
    decimals = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.DecimalField)
    ]
    assert "catalog.Product.price" in decimals and "payments.Refund.amount" in decimals
    not_money = [
        name
        for name in decimals
        if not isinstance(
            apps.get_model(name.rsplit(".", 1)[0])._meta.get_field(name.rsplit(".", 1)[1]),
            MoneyField,
        )
    ]
    assert not_money == []


def test_a_money_column_has_twelve_digits_and_two_places_prices_included():
    from catalog.models import Product

    price = Product._meta.get_field("price")
    assert (price.max_digits, price.decimal_places) == (MONEY_MAX_DIGITS, MONEY_DECIMAL_PLACES)
    assert (MONEY_MAX_DIGITS, MONEY_DECIMAL_PLACES) == (12, 2)


def test_migrations_see_a_plain_decimal_field():
    _, path, _, kwargs = MoneyField().deconstruct()
    assert path == "django.db.models.DecimalField"
    assert kwargs == {"max_digits": 12, "decimal_places": 2}


@pytest.mark.parametrize(
    "value,rounded",
    [("2.345", "2.35"), ("2.344", "2.34"), ("-2.345", "-2.35"), ("0.005", "0.01"), (3, "3.00")],
)
def test_money_rounds_halves_away_from_zero_to_the_cent(value, rounded):
    assert money_round(value) == Decimal(rounded)
    assert str(money_round(value)) == rounded


def test_minor_units_are_exact_or_refused():
    assert to_minor_units(Decimal("19.99")) == 1999
    with pytest.raises(ValueError):
        to_minor_units(Decimal("1.005"))


def test_no_module_defines_money_or_rounds_it_on_its_own():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    allowed = {"shop/money.py", "shop/api/fields.py"}
    offenders = [
        str(path.relative_to(root))
        for app in ("shop", "catalog", "orders", "payments", "reports")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
        and str(path.relative_to(root)) not in allowed
        and ("decimal_places=2" in path.read_text() or ".quantize(" in path.read_text())
    ]
    assert offenders == []
