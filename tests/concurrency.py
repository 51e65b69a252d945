"""Run jobs from threads released together, each with its own database connection."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


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
