"""Background work for the catalog: Zappa tasks (inline locally, asynchronous on Lambda)."""

import logging

from zappa.asynchronous import task

from catalog.emails import low_stock_email_send

logger = logging.getLogger(__name__)


@task
def low_stock_alert_task(product_ids: list[int]) -> None:
    """Tell the Catalog managers these products ran low; re-raise so that Lambda retries."""
    try:
        low_stock_email_send(product_ids=product_ids)
    except Exception:
        logger.exception("Could not send the low-stock alert for %s", product_ids)
        raise
