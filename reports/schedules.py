"""Entry points for Zappa's scheduled `events` (see zappa_settings.json) and the commands."""

import logging

from reports.services import report_request_daily, reports_purge, reports_rerun_stuck
from shop.background import scheduled

logger = logging.getLogger(__name__)


@scheduled
def send_daily_report(event=None, context=None) -> str:
    """Queue yesterday's report for the Report recipients group."""
    report = report_request_daily()
    logger.info("Daily report %s queued", report.pk)
    return str(report.pk)


@scheduled
def purge_reports(event=None, context=None) -> int:
    """Delete reports older than SHOP_REPORT_RETENTION_DAYS, files first."""
    purged = reports_purge()
    logger.info("Purged %s report(s)", purged)
    return purged


@scheduled
def rerun_stuck_reports(event=None, context=None) -> dict[str, int]:
    """Queue again the reports whose run died; give up on them after a few runs."""
    queued, given_up = reports_rerun_stuck()
    return {"queued": queued, "given_up": given_up}
