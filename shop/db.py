"""Transactions that meet: conflicts named as conflicts, retried once, and the lock order's hook.

The lock order (docs/design.md, "Locks"): a webhook's event row, then the Order, then its
Payments (and Refunds), then Product rows in primary-key order. Every service that locks an
order takes it through `orders.locks.order_lock`, which calls `lock_taken` here: tests widen
the window between the first lock and the next with it, so a wrong order deadlocks every time
instead of once in a while.
"""

import functools
import logging
from collections.abc import Callable

from django.db import DatabaseError, connection

from shop.errors import Conflict

logger = logging.getLogger(__name__)

# PostgreSQL's SQLSTATEs of a transaction aborted for meeting another: it wrote nothing.
CONFLICT_SQLSTATES = {
    "40001": "serialization failure",
    "40P01": "deadlock detected",
    "55P03": "lock not available (lock_timeout)",
}
RETRY_AFTER_SECONDS = 1

# Called with the lock's name each time a service has taken its first lock. Empty outside
# tests: only tests/concurrency.py fills it (to pause there, or to note who holds it).
lock_hooks: list[Callable[[str], None]] = []


class ChangedMeanwhile(Conflict):
    code = "conflict"
    default_message = "Someone changed this at the same moment; nothing was saved. Try again."

    def __init__(self, message: str | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)


def lock_taken(name: str) -> None:
    """Mark the moment a service holds its first lock (the Order's) and takes the next."""
    for hook in lock_hooks:
        hook(name)


def is_conflict(exc: BaseException) -> bool:
    """True for a database error that says this transaction met another (not an outage)."""
    return isinstance(exc, DatabaseError) and (
        getattr(exc.__cause__, "sqlstate", None) in CONFLICT_SQLSTATES
    )


def _in_callers_transaction() -> bool:
    # A test case wraps each test in transactions of its own; those are not the caller's.
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def outside_transaction(what: str) -> None:
    """Refuse to go on inside a caller's transaction: `what` calls the network, and a
    transaction's row locks would be held for as long as the network takes."""
    if _in_callers_transaction():
        raise RuntimeError(f"{what} calls the payment provider: call it after the commit.")


def conflict_retried[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """Run a service once more when the database aborted it for meeting another transaction.

    The aborted attempt wrote nothing, so running it again is safe. A second conflict is
    answered as ChangedMeanwhile (409 `conflict` with Retry-After; a message in the admin).
    Inside a caller's transaction nothing can be retried here: the error goes up as it is, to
    the outermost service that can.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in (1, 2):
            try:
                return func(*args, **kwargs)
            except DatabaseError as exc:
                if not is_conflict(exc) or _in_callers_transaction():
                    raise
                what = CONFLICT_SQLSTATES[exc.__cause__.sqlstate]  # type: ignore[union-attr]
                logger.warning("%s: %s (attempt %s)", func.__qualname__, what, attempt)
                if attempt == 2:
                    raise ChangedMeanwhile(details={"reason": what}) from exc
        raise AssertionError("unreachable")

    return wrapper
