from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shop.outbox import email_renderer_register

        # Its emails go through the outbox; this renders them when they are sent.
        email_renderer_register("payment", "payments.emails.payment_email_render")
