"""Errors of the catalog domain, each with a stable code for API clients."""

from shop.errors import NotFound


class ProductNotFound(NotFound):
    default_message = "No such product."
