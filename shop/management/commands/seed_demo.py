from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shop.demo import SEEDERS


class Command(BaseCommand):
    help = "Load demo data for local runs. Safe to run again: existing data is kept."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is for local runs only (SHOP_ENV=production).")
        for seeder in SEEDERS:
            self.stdout.write(seeder())
