"""Entry points for Zappa's scheduled `events` (see zappa_settings.json) and the command."""

import logging

from django.db import transaction

from catalog.emails import low_stock_alert_queue
from shop.background import scheduled

logger = logging.getLogger(__name__)


@scheduled
def low_stock_digest(event=None, context=None) -> int:
    """Email the Catalog managers every active product at or below its low-stock threshold."""
    with transaction.atomic():
        queued = low_stock_alert_queue()
    logger.info("Low-stock digest: %s message(s)", queued)
    return queued
