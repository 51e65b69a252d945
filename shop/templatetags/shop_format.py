"""The shop's one money format in templates: {{ order.total|money:order.currency }}."""

from decimal import Decimal

from django import template
from django.conf import settings

from shop.money import money_format

register = template.Library()


@register.filter
def money(value: Decimal | int | None, currency: str | None = None) -> str:
    """1234.5 -> 1,234.50 EUR (the shop's currency unless one is given; "" for none)."""
    return money_format(value, settings.SHOP_CURRENCY if currency is None else currency)
