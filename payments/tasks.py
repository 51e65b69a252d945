"""Background work for payments: Zappa tasks (inline locally, asynchronous on Lambda)."""

import logging

from zappa.asynchronous import task

from payments.emails import payment_email_send

logger = logging.getLogger(__name__)


@task
def payment_email_task(payment_id: int, kind: str) -> None:
    """Send a payment email; log a failure and re-raise so that Lambda retries it."""
    try:
        payment_email_send(payment_id=payment_id, kind=kind)
    except Exception:
        logger.exception("Could not send the %s email for payment %s", kind, payment_id)
        raise
