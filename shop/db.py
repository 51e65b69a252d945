"""Transactions that meet: conflicts named as conflicts, retried once, and the lock order's hook.

The lock order (docs/design.md, "Locks"): a webhook's event row, then the Order, then its
Payments (and Refunds), then Product rows in primary-key order. Every service that locks an
order takes it through `orders.locks.order_lock`, which calls `lock_taken` here: tests widen
the window between the first lock and the next with it, so a wrong order deadlocks every time
instead of once in a while.
"""

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, models
from django.db.backends.signals import connection_created
from django.dispatch import receiver

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


# Timeouts of the work at hand (settings.SHOP_DB_TIMEOUTS): a connection starts with its
# process's (web, or task for manage.py); background work on Lambda, which shares the web's
# process, switches to the task's for as long as it runs.
_task_depth: ContextVar[int] = ContextVar("shop_db_task_depth", default=0)


def _timeouts_apply(kind: str, conn=connection) -> None:
    values = settings.SHOP_DB_TIMEOUTS[kind]
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, false), "
            "set_config('lock_timeout', %s, false)",
            [f"{values['statement_timeout']}s", f"{values['lock_timeout']}s"],
        )


@receiver(connection_created)
def _connection_timeouts(sender, connection, **kwargs) -> None:
    # A connection opened inside background work starts with the task's timeouts.
    if connection.vendor == "postgresql" and _task_depth.get() and _switches():
        _timeouts_apply("task", connection)


def _switches() -> bool:
    return settings.SHOP_DB_PROCESS != "task"


def task_timeouts[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """Run `func` (a task, a schedule) with the database's task timeouts, then go back.

    Outside transactions only: the timeouts are the session's, so a SET inside a
    transaction that rolls back would be undone.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        outermost = _task_depth.get() == 0
        token = _task_depth.set(_task_depth.get() + 1)
        switch = outermost and _switches() and connection.vendor == "postgresql"
        try:
            if switch and connection.connection is not None:
                _timeouts_apply("task")
            return func(*args, **kwargs)
        finally:
            _task_depth.reset(token)
            if switch and connection.connection is not None:
                try:
                    _timeouts_apply("web")
                except DatabaseError:
                    # A broken connection: the next request opens a new one, with the
                    # web's timeouts from its options.
                    connection.close()

    wrapper.task_timeouts = True  # type: ignore[attr-defined]
    return wrapper


def update_from_values(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    add: bool = False,
    also: Mapping[str, Any] | None = None,
) -> int:
    """One UPDATE of many rows, each to its own values: `rows` are (pk, *values of fields).

    UPDATE ... FROM (VALUES ...), which PostgreSQL and SQLite (3.33+) both run: what
    QuerySet.bulk_update does with a CASE a row, without its cost in Python (a few ms a row).
    With `add`, each field is increased by its value (stock = stock + delta) rather than set.
    `also` sets the same value on every row (updated_at). Lock the rows first, in primary-key
    order, where the lock order asks it (docs/design.md, "Locks"). Returns the rows updated.
    """
    if not rows:
        return 0
    opts = model._meta
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    columns = [opts.pk, *(_concrete(model, name) for name in fields)]
    # The first row says each column's type (PostgreSQL infers it from there; SQLite
    # ignores it); the values go as each field prepares them for the database.
    typed = ", ".join(f"CAST(%s AS {column.db_type(connection)})" for column in columns)
    plain = ", ".join(["%s"] * len(columns))
    values = ", ".join([f"({typed})", *[f"({plain})"] * (len(rows) - 1)])
    params: list[Any] = []
    assignments = []
    for name, value in (also or {}).items():
        field = _concrete(model, name)
        assignments.append(f"{quote(str(field.column))} = %s")
        params.append(field.get_db_prep_save(value, connection))
    for n, field in enumerate(columns[1:], start=2):
        target = quote(str(field.column))
        source = f"{table}.{target} + v.column{n}" if add else f"v.column{n}"
        assignments.append(f"{target} = {source}")
    for row in rows:
        params.extend(
            column.get_db_prep_save(value, connection)
            for column, value in zip(columns, row, strict=True)
        )
    sql = (
        f"UPDATE {table} SET {', '.join(assignments)} FROM (VALUES {values}) AS v "
        f"WHERE {table}.{quote(str(opts.pk.column))} = v.column1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _concrete(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete:
        raise ValueError(f"{model.__name__}.{name} is not a column.")
    return field
