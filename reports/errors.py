"""Errors of the reports domain, each with a stable code for API clients."""

from shop.errors import Conflict, NotFound


class ReportNotRerunnable(Conflict):
    code = "report_not_rerunnable"
    default_message = "Only a failed report can be run again."


class ReportNotFound(NotFound):
    default_message = "No such report."


class BadLink(Exception):
    """A download link was tampered with, has expired, or names no file (a 403, no envelope)."""
