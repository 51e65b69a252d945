"""Background work for reports: a Zappa task (inline locally, asynchronous on Lambda)."""

from zappa.asynchronous import task

from reports.generation import report_generate


@task
def report_generate_task(report_id: str) -> None:
    """Generate a report; safe to run twice (Lambda retries failed async invocations)."""
    report_generate(report_id=report_id)
