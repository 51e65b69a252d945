from django.core.management.base import BaseCommand

from payments.schedules import expire_unpaid_orders


class Command(BaseCommand):
    help = "Cancel orders not paid within SHOP_PAYMENT_WINDOW_MINUTES; their stock comes back."

    def handle(self, *args, **options):
        cancelled = expire_unpaid_orders()
        self.stdout.write(f"Cancelled {cancelled} unpaid order(s).")
