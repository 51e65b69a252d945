"""With a second factor required, a password alone opens nothing: staff enrol an app (QR
code, first code, recovery codes), then sign in with a code or a recovery code (each once);
a superuser resets a lost device; the staff API over the session follows the same rule."""

import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
ADMIN_PAGES = [
    "/admin/",
    "/admin/orders/order/",
    "/admin/catalog/product/add/",
    "/admin/shop/outboundemail/",
    "/admin/reports/report/",
    "/admin/password_change/",
]


@pytest.fixture(autouse=True)
def required(settings):
    settings.SHOP_ADMIN_REQUIRE_2FA = True


@pytest.fixture
def employee():
    user = StaffFactory(username="olga", is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def _password_only(username: str = "olga") -> Client:
    client = Client()
    answer = client.post("/admin/login/?next=/admin/", {"username": username, "password": PASSWORD})
    assert answer.status_code == 302
    return client


def _enrolled(client: Client, username: str = "olga") -> list[str]:
    client.get("/admin/second-factor/enrol/")
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    page = client.post(
        "/admin/second-factor/enrol/", {"code": f"{totp(device.bin_key):06d}", "next": "/admin/"}
    )
    assert page.status_code == 200
    return re.findall(r"<li>(\w{8})</li>", page.content.decode())


def _time_passes() -> None:
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.all():
            device.throttle_reset()


def test_wrong_codes_make_the_next_try_wait(employee):
    _enrolled(_password_only())
    client = _password_only()
    client.post("/admin/second-factor/verify/", {"code": "000000"})
    device = TOTPDevice.objects.get(user=employee)
    right = f"{totp(device.bin_key):06d}"
    assert client.post("/admin/second-factor/verify/", {"code": right}).status_code == 200
    assert client.get("/admin/").status_code == 302
    _time_passes()
    # The code of the enrolment was used: a fresh one from the next time step is needed.
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    assert client.post("/admin/second-factor/verify/", {"code": right}).status_code == 302


def test_a_password_alone_opens_no_admin_page(employee):
    client = _password_only()
    for page in ADMIN_PAGES:
        answer = client.get(page)
        assert answer.status_code == 302, page
        assert answer["Location"].startswith("/admin/second-factor/enrol/?next="), page
    assert client.post("/admin/orders/order/", {"action": "x"}).status_code == 302


def test_enrolling_shows_a_qr_code_and_takes_the_first_code(employee):
    client = _password_only()
    page = client.get("/admin/second-factor/enrol/").content.decode()
    assert "<svg" in page and "authenticator app" in page
    assert client.post("/admin/second-factor/enrol/", {"code": "000000"}).status_code == 200
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    _time_passes()  # a wrong code makes the next try wait (django-otp's throttling)
    codes = _enrolled(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=employee).confirmed
    for page in ADMIN_PAGES:
        assert client.get(page).status_code == 200, page


def test_the_next_sign_in_asks_for_a_code_and_a_recovery_code_works_once(employee):
    codes = _enrolled(_password_only())
    client = _password_only()
    answer = client.get("/admin/orders/order/")
    assert answer["Location"].startswith("/admin/second-factor/verify/")
    assert client.post("/admin/second-factor/verify/", {"code": "12345678"}).status_code == 200
    assert client.get("/admin/").status_code == 302
    _time_passes()
    signed = client.post(
        "/admin/second-factor/verify/", {"code": codes[0], "next": "/admin/orders/order/"}
    )
    assert signed["Location"] == "/admin/orders/order/"
    assert client.get("/admin/orders/order/").status_code == 200
    assert StaticDevice.objects.get(user=employee).token_set.count() == 9

    again = _password_only()
    assert again.post("/admin/second-factor/verify/", {"code": codes[0]}).status_code == 200
    assert again.get("/admin/").status_code == 302


def test_a_next_that_leaves_the_site_is_ignored(employee):
    client = _password_only()
    client.get("/admin/second-factor/enrol/")
    device = TOTPDevice.objects.get(user=employee)
    page = client.post(
        "/admin/second-factor/enrol/",
        {"code": f"{totp(device.bin_key):06d}", "next": "https://evil.example/"},
    )
    assert "https://evil.example/" not in page.content.decode()


def test_the_staff_api_over_the_session_needs_the_second_factor_too(employee):
    client = _password_only()
    answer = client.post("/api/v1/reports/", {}, content_type="application/json")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "second_factor_required"
    _enrolled(client)
    answer = client.post("/api/v1/reports/", {}, content_type="application/json")
    assert answer.status_code == 400  # signed in now: only the empty request is wrong


def test_a_superuser_resets_a_lost_device(employee):
    ivan = StaffFactory(username="ivan")
    ivan.set_password(PASSWORD)
    ivan.save()
    _enrolled(_password_only("ivan"), "ivan")
    boss = _password_only()
    _enrolled(boss)
    answer = boss.post(
        "/admin/shop/user/", {"action": "reset_second_factor", "_selected_action": [ivan.pk]}
    )
    assert answer.status_code == 302
    assert not TOTPDevice.objects.filter(user=ivan).exists()
    assert not StaticDevice.objects.filter(user=ivan).exists()
    # Ivan enrols again at his next sign-in.
    again = _password_only("ivan")
    assert again.get("/admin/")["Location"].startswith("/admin/second-factor/enrol/")


def test_only_superusers_may_reset_a_second_factor(employee):
    manager = StaffFactory(username="mia")
    manager.set_password(PASSWORD)
    manager.save()
    from django.contrib.auth.models import Permission

    manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    client = _password_only("mia")
    _enrolled(client, "mia")
    page = client.get("/admin/shop/user/").content.decode()
    assert "reset_second_factor" not in page


def test_off_locally_a_password_is_enough(settings, employee):
    settings.SHOP_ADMIN_REQUIRE_2FA = False
    client = _password_only()
    for page in ADMIN_PAGES:
        assert client.get(page).status_code == 200, page
