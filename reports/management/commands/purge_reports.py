from django.core.management.base import BaseCommand

from reports.schedules import purge_reports


class Command(BaseCommand):
    help = "Delete reports older than SHOP_REPORT_RETENTION_DAYS, their files first."

    def handle(self, *args, **options):
        self.stdout.write(f"Purged {purge_reports()} report(s).")
