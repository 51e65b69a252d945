from django.core.management.base import BaseCommand

from payments.schedules import settle_payments


class Command(BaseCommand):
    help = (
        "Send again the refunds the payment provider did not take (with backoff, up to "
        "SHOP_PROVIDER_MAX_ATTEMPTS) and close the intents of cancelled payments."
    )

    def handle(self, *args, **options):
        settled = settle_payments()
        self.stdout.write(
            f"Refunds tried: {settled['refunds_tried']}; intents closed: "
            f"{settled['intents_closed']}."
        )
