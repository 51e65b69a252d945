"""Errors of the catalog domain, each with a stable code for API clients."""

from shop.errors import Conflict, NotFound


class ProductNotFound(NotFound):
    default_message = "No such product."


class StockBelowZero(Conflict):
    code = "stock_below_zero"
    default_message = "Stock cannot go below zero."
