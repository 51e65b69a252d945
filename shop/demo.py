"""Demo data for local runs: each app contributes a seeder, run in this order."""

from collections.abc import Callable

from catalog.demo import seed_catalog

# Every seeder is idempotent and returns one line saying what it did.
# The orders work adds its order history here, after the catalog it needs.
SEEDERS: list[Callable[[], str]] = [
    seed_catalog,
]
