"""The admin's answer to two writes meeting: a message and the same page again, never a 500.

Services retry a deadlock or lock timeout once (shop.db.conflict_retried) and then raise
ChangedMeanwhile; admin views that catch DomainError show it beside the order it concerns.
Whatever else reaches the view from the database as a conflict lands here.
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from shop.db import ChangedMeanwhile, is_conflict


class AdminConflictMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith("/admin/"):
            return None
        if not (isinstance(exception, ChangedMeanwhile) or is_conflict(exception)):
            return None
        messages.error(
            request,
            "This changed meanwhile (someone else was saving it); nothing was saved. "
            "Look at it again and try once more.",
        )
        return HttpResponseRedirect(request.get_full_path())
