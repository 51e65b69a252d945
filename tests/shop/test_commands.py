import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from catalog.models import Category, Product

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

    call_command("seed_demo")
    assert "0 product(s) created" in capsys.readouterr().out
    assert list(Product.objects.order_by("sku").values_list("sku", "price", "stock")) == products


def test_ensure_local_admin_prints_a_working_login(capsys):
    call_command("ensure_local_admin")
    username, password = re.search(r"Admin login: (\S+) / (\S+)", capsys.readouterr().out).groups()
    user = authenticate(username=username, password=password)
    assert user is not None and user.is_superuser and user.is_staff

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
