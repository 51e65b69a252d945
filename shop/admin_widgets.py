"""Pieces shared by the apps' admin pages."""

from django.contrib import admin
from django.utils.html import format_html


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
