"""Waits between tries of work that failed for a while (a provider down, SES refusing)."""

from datetime import timedelta


def backoff(attempts: int, *, max_minutes: int) -> timedelta:
    """Wait 1, 2, 4 ... minutes after `attempts` tries, never more than `max_minutes`."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), max_minutes))
