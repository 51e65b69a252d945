from django.core.management.base import BaseCommand

from catalog.schedules import low_stock_digest


class Command(BaseCommand):
    help = "Email the Catalog managers every product at or below its low-stock threshold."

    def handle(self, *args, **options):
        self.stdout.write(f"Sent {low_stock_digest()} low-stock digest message(s).")
