"""Domain errors: exceptions with a stable code, turned into the API envelope and admin messages."""

from typing import Any

# A request body over DATA_UPLOAD_MAX_MEMORY_SIZE, whichever layer notices it (shop.api).
TOO_LARGE_CODE = "request_too_large"
TOO_LARGE_MESSAGE = "The request body is larger than this API accepts."


class DomainError(Exception):
    """A refused business operation; `code` is stable and documented for API clients."""

    code = "domain_error"
    status_code = 400
    default_message = "The request was refused."

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None):
        self.message = message or self.default_message
        self.details = details or {}
        self.headers: dict[str, str] = {}  # e.g. Retry-After for a 429
        super().__init__(self.message)


class NotFound(DomainError):
    code = "not_found"
    status_code = 404
    default_message = "Not found."


class Conflict(DomainError):
    code = "conflict"
    status_code = 409
    default_message = "The request conflicts with the current state."


class InactiveUser(DomainError):
    code = "inactive_user"
    status_code = 401
    default_message = "This account is disabled."
