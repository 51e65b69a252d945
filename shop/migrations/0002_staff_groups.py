"""Staff roles as groups, with the permissions each role needs and no more.

Permissions are normally created after all migrations; they are created here first so that
the groups can be given them on a fresh database.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Catalog managers": [
        ("catalog", "category", ("add", "change", "delete", "view")),
        ("catalog", "product", ("add", "change", "delete", "view")),
    ],
    "Order managers": [
        ("orders", "order", ("change", "view")),
        ("orders", "orderline", ("view",)),
        ("orders", "orderstatuschange", ("view",)),
    ],
    # The reports work adds these groups' permissions with its own models.
    "Report viewers": [],
    "Report recipients": [],
}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, actions in grants:
            for action in actions:
                group.permissions.add(
                    Permission.objects.get(
                        content_type__app_label=app_label, codename=f"{action}_{model}"
                    )
                )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalog", "0002_product_search_index"),
        ("orders", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
