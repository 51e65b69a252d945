"""Pieces shared by the apps' admin pages."""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html

from shop.money import money_format


def status_pill(colour: str, label: str) -> str:
    """A coloured, upper-case status label for list columns."""
    return format_html(
        '<span style="background:{};color:#fff;padding:2px 8px;border-radius:10px;'
        'font-size:11px;font-weight:bold;text-transform:uppercase;white-space:nowrap">{}</span>',
        colour,
        label,
    )


class ReadOnlyTabularInline(admin.TabularInline):
    """Related records shown as they are: nothing added, changed or deleted from here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def money_column(name: str, description: str | None = None) -> Any:
    """An admin column or read-only field showing money field `name` in the one format.

    "1,234.50 EUR", never wrapped: in the object's currency, else the shop's. Set it on a
    ModelAdmin or inline (`total_money = money_column("total")`) and name that in
    list_display, fields and readonly_fields in place of the bare field.
    """

    @admin.display(description=description or name.replace("_", " "), ordering=name)
    def show(model_admin: Any, obj: Any) -> str:  # a method of the admin it is set on
        currency = getattr(obj, "currency", "") or settings.SHOP_CURRENCY
        return format_html(
            '<span style="white-space:nowrap">{}</span>',
            money_format(getattr(obj, name), currency),
        )

    show.__name__ = f"{name}_money"
    return show
