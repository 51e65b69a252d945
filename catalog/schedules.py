"""Entry points for Zappa's scheduled `events` (see zappa_settings.json) and the command."""

import logging

from catalog.emails import low_stock_email_send
from shop.background import scheduled

logger = logging.getLogger(__name__)


@scheduled
def low_stock_digest(event=None, context=None) -> int:
    """Email the Catalog managers every active product at or below its low-stock threshold."""
    sent = low_stock_email_send()
    logger.info("Low-stock digest: %s message(s)", sent)
    return sent
