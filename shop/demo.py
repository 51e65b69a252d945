"""Demo data for local runs: each app contributes a seeder, run in this order."""

from collections.abc import Callable

from catalog.demo import seed_catalog
from orders.demo import seed_orders
from payments.demo import seed_payments

# Every seeder is idempotent and returns one line saying what it did; later ones may use
# what earlier ones made (orders need products).
SEEDERS: list[Callable[[], str]] = [
    seed_catalog,
    seed_orders,
    seed_payments,
]
