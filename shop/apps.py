from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Shop"

    def ready(self) -> None:
        from shop import db, snapstart  # noqa: F401 (db: the task timeouts' signal)
        from shop.api import converters

        converters.register()  # before any URLconf is loaded

        from shop.outbox import email_renderer_register

        email_renderer_register("signin", "shop.password_reset.password_reset_render")

        # Only on Lambda's Python runtime, which is where snapshot_restore_py exists.
        snapstart.register()
