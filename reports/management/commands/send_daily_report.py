from django.core.management.base import BaseCommand

from reports.schedules import send_daily_report


class Command(BaseCommand):
    help = "Queue yesterday's orders and products report for the Report recipients group."

    def handle(self, *args, **options):
        self.stdout.write(f"Daily report {send_daily_report()} queued.")
