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


@scheduled
def purge_signin_audit(event=None, context=None) -> int:
    """Forget sign-ins, failed ones and lapsed lockouts older than SHOP_SIGNIN_AUDIT_DAYS."""
    from datetime import timedelta

    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.conf import settings
    from django.utils import timezone

    cutoff = timezone.now() - timedelta(days=settings.SHOP_SIGNIN_AUDIT_DAYS)
    purged = 0
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        purged += model.objects.filter(attempt_time__lt=cutoff).delete()[0]
    if purged:
        logger.info("Purged %s sign-in record(s)", purged)
    return purged
