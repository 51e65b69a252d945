"""Background work for orders: Zappa tasks (inline locally, asynchronous on Lambda)."""

import logging

from zappa.asynchronous import task

from orders.emails import order_email_send

logger = logging.getLogger(__name__)


@task
def order_email_task(order_id: int, kind: str) -> None:
    """Send an order email; log a failure and re-raise so that Lambda retries it."""
    try:
        order_email_send(order_id=order_id, kind=kind)
    except Exception:
        logger.exception("Could not send the %s email for order %s", kind, order_id)
        raise
