"""Run jobs from threads, together or in turn, each with its own database connection."""

import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from django.db import connection

from shop.db import lock_hooks


def all_at_once(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start every job in its own thread, release them together, return their results."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = []
    lock = threading.Lock()

    def run(job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcome = job()
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@contextmanager
def locks_widened(seconds: float = 0.3):
    """Make every service wait `seconds` after taking an order's lock, before its next one
    (shop.db.lock_taken): two services that lock in different orders then deadlock every
    time, not once in a while."""

    def pause(name: str) -> None:
        time.sleep(seconds)

    lock_hooks.append(pause)
    try:
        yield
    finally:
        lock_hooks.remove(pause)


def in_turn(first: Callable[[], Any], second: Callable[[], Any]) -> list[Any]:
    """Run `first` in a thread and, once it holds its first lock, `second` in another, each
    with its own connection; return [first's result, second's result].

    The order is certain whatever the machine's speed: `second` starts when `first` has
    taken the order's lock (or after 10 s if it never does). With `locks_widened`, `first`
    then still holds it while `second` asks. An exception is returned as the result.
    """
    results: list[Any] = [None, None]
    first_locked = threading.Event()
    threads: list[threading.Thread] = []

    def note(name: str) -> None:
        if threads and threading.current_thread() is threads[0]:
            first_locked.set()

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            results[index] = job()
        except Exception as exc:  # the test reports it
            results[index] = exc
        finally:
            connection.close()

    lock_hooks.insert(0, note)
    try:
        threads.append(threading.Thread(target=run, args=(0, first)))
        threads[0].start()
        first_locked.wait(timeout=10)
        threads.append(threading.Thread(target=run, args=(1, second)))
        threads[1].start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        lock_hooks.remove(note)
    assert not any(thread.is_alive() for thread in threads), "a racer is stuck"
    return results
