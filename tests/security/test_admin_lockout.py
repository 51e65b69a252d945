"""Guessing an employee's password: ten wrong ones lock the account and the client address
(counted where shop.clientip says the client is, never by a forged header); a superuser
lifts the lockout; every sign-in, good or bad, is in an audit superusers read."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from shop.schedules import purge_signin_audit
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def employee():
    user = StaffFactory(username="olga")
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(
    client: Client, username: str, password: str, address: str = "198.51.100.7", **headers
):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def _signed_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_ten_wrong_passwords_lock_the_account_even_for_the_right_one(employee, settings):
    assert settings.AXES_FAILURE_LIMIT == 10
    client = Client()
    for _ in range(9):
        assert _sign_in(client, "olga", "wrong").status_code == 200  # the form again
    assert _sign_in(client, "olga", "wrong").status_code == 429
    answer = _sign_in(client, "olga", PASSWORD)
    assert answer.status_code == 429
    text = answer.content.decode()
    assert "signing in is locked" in text and "30 minutes" in text
    assert not _signed_in(client)
    # From another address too: the account itself is locked.
    assert _sign_in(Client(), "olga", PASSWORD, address="203.0.113.9").status_code == 429


def test_ten_failures_from_one_address_lock_the_address_for_every_account(employee):
    for n in range(10):
        _sign_in(Client(), f"guess{n}", "wrong")
    assert _sign_in(Client(), "olga", PASSWORD).status_code == 429
    other = Client()
    assert _sign_in(other, "olga", PASSWORD, address="203.0.113.9").status_code == 302
    assert _signed_in(other)


def test_a_forged_forwarded_for_header_never_resets_the_count(employee):
    for n in range(10):
        _sign_in(Client(), "olga", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert AccessAttempt.objects.values_list("ip_address", flat=True).distinct().get() == (
        "198.51.100.7"
    )
    answer = _sign_in(Client(), "olga", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert answer.status_code == 429


def test_a_forged_header_on_lambda_counts_against_the_address_our_proxy_saw(employee, settings):
    settings.SHOP_TRUSTED_PROXY_HOPS = 1
    on_lambda = {"lambda.event": {}}
    for n in range(10):
        # The client's forged entry, the address our proxy saw, the proxy's own entry.
        forwarded = f"192.0.2.{n}, 198.51.100.7, 10.0.0.1"
        _sign_in(Client(), f"guess{n}", "wrong", HTTP_X_FORWARDED_FOR=forwarded, **on_lambda)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    forwarded = "192.0.2.99, 198.51.100.7, 10.0.0.1"
    answer = _sign_in(Client(), "olga", PASSWORD, HTTP_X_FORWARDED_FOR=forwarded, **on_lambda)
    assert answer.status_code == 429


def test_a_superuser_lifts_a_lockout_in_the_admin_or_with_axes_reset(employee):
    for _ in range(10):
        _sign_in(Client(), "olga", "wrong")
    assert _sign_in(Client(), "olga", PASSWORD).status_code == 429
    boss = Client()
    boss.force_login(StaffFactory(is_superuser=True))
    attempts = boss.get("/admin/axes/accessattempt/")
    assert attempts.status_code == 200 and "olga" in attempts.content.decode()
    [attempt] = AccessAttempt.objects.filter(username="olga")
    boss.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert not AccessAttempt.objects.filter(username="olga").exists()
    assert _sign_in(Client(), "olga", PASSWORD).status_code == 302

    for _ in range(10):
        _sign_in(Client(), "olga", "wrong")
    assert _sign_in(Client(), "olga", PASSWORD).status_code == 429
    call_command("axes_reset")
    assert _sign_in(Client(), "olga", PASSWORD).status_code == 302


def test_the_sign_in_audit_is_for_superusers_and_forgets_after_its_retention(employee, settings):
    _sign_in(Client(), "olga", "wrong")
    _sign_in(Client(), "olga", PASSWORD)
    assert AccessFailureLog.objects.get().username == "olga"
    logged = AccessLog.objects.get()
    assert (logged.username, logged.ip_address) == ("olga", "198.51.100.7")

    manager = StaffFactory()
    manager.groups.add(Group.objects.get(name="Order managers"))
    other = Client()
    other.force_login(manager)
    assert other.get("/admin/axes/accesslog/").status_code == 403
    boss = Client()
    boss.force_login(StaffFactory(is_superuser=True))
    for page in ("accesslog", "accessfailurelog"):
        answer = boss.get(f"/admin/axes/{page}/")
        assert answer.status_code == 200 and "olga" in answer.content.decode()

    old = timezone.now() - timedelta(days=settings.SHOP_SIGNIN_AUDIT_DAYS + 1)
    AccessLog.objects.update(attempt_time=old)
    AccessFailureLog.objects.update(attempt_time=old)
    AccessAttempt.objects.update(attempt_time=old)
    assert purge_signin_audit() >= 2
    assert not AccessLog.objects.exists() and not AccessFailureLog.objects.exists()
