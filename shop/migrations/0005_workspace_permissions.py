"""Give the staff roles what the employees' workspace added: customers, payments, stock history.

Order managers see customers and, on each order, its payments and refunds; nothing of these
can be changed in the admin by anyone (they are records).
"""

from django.db import migrations

from shop.migrations._grants import grants_apply, grants_revoke

GRANTS = {
    "Order managers": [
        ("shop", "customer", ("view",)),
        ("payments", "payment", ("view",)),
        ("payments", "refund", ("view",)),
    ],
    "Catalog managers": [
        ("catalog", "stockadjustment", ("view",)),
    ],
}


def grant(apps, schema_editor):
    grants_apply(apps, GRANTS)


def revoke(apps, schema_editor):
    grants_revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0004_customer_proxy"),
        ("catalog", "0004_stock_adjustments_and_low_stock"),
        ("payments", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
