"""Small filters for the dashboard."""

from datetime import datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from shop.money import money_format

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    """1234.5 -> 1,234.50 (the page puts the currency once beside it)."""
    return money_format(value)


@register.filter
def age(moment: datetime | None) -> str:
    """How long ago, in its largest unit only: 45 min, 5 h, 3 d."""
    if moment is None:
        return ""
    seconds = max(0, int((timezone.now() - moment).total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"
