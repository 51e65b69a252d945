"""Background work for reports: a Zappa task (inline locally, asynchronous on Lambda)."""

from reports.generation import report_generate
from shop.background import background_task


@background_task
def report_generate_task(report_id: str) -> None:
    """Generate a report; safe to run twice (Lambda retries failed async invocations)."""
    report_generate(report_id=report_id)
