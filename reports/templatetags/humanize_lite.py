"""Small filters for the dashboard."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    """1234.5 -> 1,234.50"""
    return f"{(value or Decimal('0')):,.2f}"
