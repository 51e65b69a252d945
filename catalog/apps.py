from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from shop.outbox import email_renderer_register

        # Its emails go through the outbox; this renders them when they are sent.
        email_renderer_register("catalog", "catalog.emails.low_stock_render")
