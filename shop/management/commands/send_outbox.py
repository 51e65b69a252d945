from django.core.management.base import BaseCommand

from shop.schedules import send_outbox


class Command(BaseCommand):
    help = (
        "Send the emails of the outbox still waiting to go (a failed first try), with "
        "backoff up to SHOP_EMAIL_MAX_ATTEMPTS; forget sent ones past the retention."
    )

    def handle(self, *args, **options):
        swept = send_outbox()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in swept.items()) + ".")
