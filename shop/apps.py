from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Shop"

    def ready(self) -> None:
        # Registers the OpenAPI description of Cognito sign-in with drf-spectacular.
        from shop.api import schema  # noqa: F401
