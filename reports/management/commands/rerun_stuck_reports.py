from django.core.management.base import BaseCommand

from reports.schedules import rerun_stuck_reports


class Command(BaseCommand):
    help = (
        "Queue again the reports still running after SHOP_REPORT_TIMEOUT_MINUTES (their run "
        "died); mark them failed after SHOP_REPORT_MAX_ATTEMPTS runs."
    )

    def handle(self, *args, **options):
        done = rerun_stuck_reports()
        self.stdout.write(f"Queued again: {done['queued']}; given up: {done['given_up']}.")
