"""Entry points for Zappa's scheduled `events` (see zappa_settings.json) and the command."""

import logging

from payments.services import orders_expire

logger = logging.getLogger(__name__)


def expire_unpaid_orders(event=None, context=None) -> int:
    """Cancel orders not paid within SHOP_PAYMENT_WINDOW_MINUTES; their stock comes back."""
    cancelled = orders_expire()
    if cancelled:
        logger.info("Cancelled %s unpaid order(s)", cancelled)
    return cancelled
