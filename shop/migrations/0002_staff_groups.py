"""Staff roles as groups, with the permissions each role needs and no more.

Permissions are normally created after all migrations; they are created here first so that
the groups can be given them on a fresh database.
"""

from django.db import migrations

from shop.migrations._grants import grants_apply

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
    grants_apply(apps, GROUPS)


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
