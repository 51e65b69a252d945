"""Entry points for Zappa's scheduled `events` (see zappa_settings.json) and the commands."""

import dataclasses
import logging

from shop.background import scheduled
from shop.outbox import outbox_sweep

logger = logging.getLogger(__name__)


@scheduled
def send_outbox(event=None, context=None) -> dict[str, int]:
    """Send the emails still waiting (their first try failed), with backoff."""
    swept = outbox_sweep()
    if swept != type(swept)():
        logger.info("Outbox: %s", swept)
    return dataclasses.asdict(swept)
