"""Background work, handed over once the current transaction has committed."""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string

from shop.db import task_timeouts


def background_task[**P, R](func: Callable[P, R]) -> Callable[P, None]:
    """A Zappa @task (asynchronous on Lambda, inline locally) with the task's timeouts."""
    from zappa.asynchronous import task

    return task(task_timeouts(func))


def scheduled[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """A function Zappa runs on a schedule (zappa_settings.json "events")."""
    return task_timeouts(func)


def task_after_commit(task_path: str, *args: Any) -> None:
    """Run the Zappa @task at `task_path` with `args` once the transaction commits.

    Nothing runs for a transaction that rolls back. The task's module is imported only then:
    zappa.asynchronous imports boto3, which a cold start need not pay for. `robust`: a failure
    to hand the work over is logged and never reaches the caller, whose writes are committed.
    """
    transaction.on_commit(lambda: import_string(task_path)(*args), robust=True)
