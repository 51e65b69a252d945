"""Give the staff roles what the employees' workspace added: customers, payments, stock history.

Order managers see customers and, on each order, its payments and refunds; nothing of these
can be changed in the admin by anyone (they are records).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, actions in grants:
            for action in actions:
                group.permissions.add(
                    Permission.objects.get(
                        content_type__app_label=app_label, codename=f"{action}_{model}"
                    )
                )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for app_label, model, actions in grants:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0004_customer_proxy"),
        ("catalog", "0004_stock_adjustments_and_low_stock"),
        ("payments", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
