"""An employee who forgot their password resets it by email; the form tells nobody who works
here, mails nobody in a loop, and the link works once."""

import re

import pytest
from django.test import Client

from shop.models import OutboundEmail
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def employee():
    user = StaffFactory(username="olga", email="olga@shop.example")
    user.set_password("old horse battery staple")
    user.save()
    return user


def _ask(client: Client, email: str, address: str = "198.51.100.7"):
    return client.post("/admin/password_reset/", {"email": email}, REMOTE_ADDR=address, follow=True)


def test_an_employee_resets_their_password_through_the_emailed_link(
    employee, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client()
    assert "Forgotten your login credentials?" in client.get("/admin/login/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = _ask(client, "olga@shop.example")
    assert answer.status_code == 200 and "emailed you instructions" in answer.content.decode()
    [email] = mailoutbox
    assert email.to == ["olga@shop.example"]
    link = re.search(r"https?://\S+/admin/reset/\S+/", email.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get(f"/{path}", follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "password", "new_password2": "password"})
    assert "too common" in weak.content.decode()
    strong = "Violet-Teapot-Harbour-91"
    done = client.post(set_url, {"new_password1": strong, "new_password2": strong}, follow=True)
    assert "Password reset complete" in done.content.decode()
    employee.refresh_from_db()
    assert employee.check_password(strong)
    assert "invalid" in Client().get(f"/{path}", follow=True).content.decode().lower()
    assert OutboundEmail.objects.get().state == "sent"


@pytest.mark.parametrize("who", ["nobody", "customer", "inactive employee"])
def test_an_address_of_no_employee_gets_the_same_answer_and_no_email(
    who, employee, mailoutbox, django_capture_on_commit_callbacks
):
    if who == "customer":
        UserFactory(email="someone@example.org")
    elif who == "inactive employee":
        StaffFactory(email="someone@example.org", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        theirs = _ask(Client(), "someone@example.org")
        ours = _ask(Client(), "olga@shop.example", address="203.0.113.5")
    assert theirs.status_code == ours.status_code == 200
    assert theirs.redirect_chain == ours.redirect_chain
    assert [m.to for m in mailoutbox] == [["olga@shop.example"]]


def test_asking_again_and_again_sends_a_few_emails_an_hour(
    employee, settings, mailoutbox, django_capture_on_commit_callbacks
):
    assert settings.SHOP_PASSWORD_RESETS_PER_HOUR == 3
    with django_capture_on_commit_callbacks(execute=True):
        answers = [_ask(Client(), "olga@shop.example", address=f"192.0.2.{n}") for n in range(6)]
    assert {a.status_code for a in answers} == {200}
    assert len(mailoutbox) == 3  # per email address, from whatever address
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            _ask(Client(), "nobody@example.org", address="192.0.2.200")
    assert OutboundEmail.objects.count() == 3


def test_an_admin_session_ends_after_an_idle_hour(employee, settings, client):
    assert settings.SESSION_COOKIE_AGE == 3600 and settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(employee)
    client.get("/admin/")
    first = client.session.get_expiry_age()
    assert 3590 <= first <= 3600
