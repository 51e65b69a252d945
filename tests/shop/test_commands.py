import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate as django_authenticate
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from catalog.models import Category, Product
from orders.models import Order, OrderStatusChange

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    products = list(Product.objects.order_by("sku").values_list("sku", "price", "stock"))
    assert 45 <= len(products) <= 60
    assert Category.objects.count() == 6
    assert Product.objects.filter(is_active=False).count() == 6
    assert not Product.objects.filter(image="").exists()
    assert not Product.objects.filter(thumbnail="").exists()
    assert Product.objects.filter(stock=0).exists()
    assert "created" in first

    orders = Order.objects.count()
    assert 2000 <= orders <= 5000
    statuses = set(Order.objects.values_list("status", flat=True))
    assert statuses == {"placed", "paid", "shipped", "delivered", "cancelled"}
    oldest = Order.objects.order_by("created_at").first().created_at
    assert timezone.now() - timedelta(days=91) < oldest < timezone.now() - timedelta(days=80)
    sums = Order.objects.annotate(lines_sum=Sum("lines__line_total")).values_list(
        "subtotal", "lines_sum", "total"
    )
    # Compared in Python: SQLite sums decimals as floats.
    assert all(
        subtotal == Decimal(lines_sum).quantize(Decimal("0.01")) and total >= subtotal
        for subtotal, lines_sum, total in sums
    )
    assert not OrderStatusChange.objects.filter(created_at__gt=timezone.now()).exists()
    # Paid orders have their payments, cancelled-after-paying ones their refunds; revenue
    # is paid, shipped and delivered orders less refunds, some of them partial.
    from payments.models import Payment, Refund

    paid = Order.objects.filter(status__in=["paid", "shipped", "delivered"])
    assert not paid.exclude(payments__status="succeeded").exists()
    assert Refund.objects.filter(payment__order__status="cancelled").exists()
    assert Refund.objects.filter(payment__order__status="delivered").exists()
    assert not Order.objects.filter(status="placed", payments__isnull=False).exists()
    payments = Payment.objects.count()

    call_command("seed_demo")
    second = capsys.readouterr().out
    assert "0 product(s) created" in second and "left as it is" in second
    assert list(Product.objects.order_by("sku").values_list("sku", "price", "stock")) == products
    assert Order.objects.count() == orders
    assert Payment.objects.count() == payments and "every paid order has its payment" in second


def test_ensure_local_admin_prints_a_working_login(capsys, rf):
    def authenticate(**credentials):
        # As the admin's login form does: with the request (django-axes counts per client).
        return django_authenticate(rf.post("/admin/login/"), **credentials)

    call_command("ensure_local_admin")
    username, password = re.search(r"Admin login: (\S+) / (\S+)", capsys.readouterr().out).groups()
    user = authenticate(username=username, password=password)
    assert user is not None and user.is_superuser and user.is_staff
    assert user.groups.filter(name="Report recipients").exists()  # the demo reports reach them

    call_command("ensure_local_admin")
    new_password = re.search(r" / (\S+)", capsys.readouterr().out).group(1)
    assert new_password != password
    assert authenticate(username=username, password=password) is None
    assert authenticate(username=username, password=new_password) is not None


def test_demo_commands_refuse_production(settings):
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    for command in ("seed_demo", "ensure_local_admin"):
        with pytest.raises(CommandError):
            call_command(command)
    assert not Product.objects.exists()
