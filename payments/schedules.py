"""Entry points for Zappa's scheduled `events` (see zappa_settings.json) and the command."""

import logging

from payments.services import orders_expire, payments_settle
from shop.background import scheduled

logger = logging.getLogger(__name__)


@scheduled
def expire_unpaid_orders(event=None, context=None) -> int:
    """Cancel orders not paid within SHOP_PAYMENT_WINDOW_MINUTES; their stock comes back."""
    cancelled = orders_expire()
    if cancelled:
        logger.info("Cancelled %s unpaid order(s)", cancelled)
    return cancelled


@scheduled
def settle_payments(event=None, context=None) -> dict[str, int]:
    """Send again the refunds and intent cancellations the provider did not take."""
    settled = payments_settle()
    if settled.refunds_tried or settled.intents_closed:
        logger.info("Settled payments: %s", settled)
    return {"refunds_tried": settled.refunds_tried, "intents_closed": settled.intents_closed}
