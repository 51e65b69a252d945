"""Order managers see the outbox (what was emailed to customers) and may send an email again."""

from django.db import migrations

from shop.migrations._grants import grants_apply, grants_revoke

GRANTS = {"Order managers": [("shop", "outboundemail", ("view", "change"))]}


def grant(apps, schema_editor):
    grants_apply(apps, GRANTS)


def revoke(apps, schema_editor):
    grants_revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("shop", "0006_outbound_email")]
    operations = [migrations.RunPython(grant, revoke)]
