"""Give the Report viewers group what it needs: see and request reports, see downloads."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = [
    ("report", ("view", "add")),
    ("reportfile", ("view",)),
    ("reportdownload", ("view",)),
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("reports")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Report viewers")
    for model, actions in GRANTS:
        for action in actions:
            group.permissions.add(
                Permission.objects.get(content_type__app_label="reports", codename=f"{action}_{model}")
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Report viewers").first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="reports"))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("shop", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
