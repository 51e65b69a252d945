from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        from shop.outbox import email_renderer_register

        # Its emails go through the outbox; this renders them when they are sent.
        email_renderer_register("order", "orders.emails.order_email_render")
