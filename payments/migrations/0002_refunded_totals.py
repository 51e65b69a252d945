"""Fill Order.refunded_total from the refunds already recorded (revenue counts total less it)."""

from django.db import migrations
from django.db.models import Sum


def fill(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    Refund = apps.get_model("payments", "Refund")
    sums = Refund.objects.values("payment__order_id").annotate(amount=Sum("amount"))
    for row in sums.iterator():
        Order.objects.filter(pk=row["payment__order_id"]).update(refunded_total=row["amount"])


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("orders", "0008_order_refunded_total"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
