"""SES failing for a while, then recovering: every email goes out exactly once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shop.models import EmailState, OutboundEmail
from shop.outbox import outbox_sweep
from tests.factories import ProductFactory
from tests.faults.flaky import FlakyProxy
from tests.orders.bodies import order_body

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def flaky_ses(ses_outbox, moto_url, settings):
    proxy = FlakyProxy(moto_url)
    settings.AWS_SES_REGION_ENDPOINT_URL = proxy.url
    yield proxy, ses_outbox
    proxy.stop()


def _due_now():
    OutboundEmail.objects.filter(state=EmailState.PENDING).update(next_attempt_at=timezone.now())


def test_ses_down_then_back_sends_every_email_exactly_once(flaky_ses, api_client, settings):
    proxy, received = flaky_ses
    settings.SHOP_MAX_UNPAID_UNITS_PER_CLIENT = 1000
    product = ProductFactory(stock=50)
    proxy.failing = True
    references = []
    for n in range(3):
        body = order_body((product.pk, 1))
        body["customer"]["email"] = f"buyer{n}@example.org"
        response = api_client.post(
            "/api/v1/orders/", body, format="json", REMOTE_ADDR=f"192.0.2.{n + 1}"
        )
        assert response.status_code == 201  # the orders do not wait for the mail
        references.append(response.json()["reference"])
    assert received() == []
    emails = OutboundEmail.objects.filter(reference__in=references)
    assert [e.state for e in emails] == [EmailState.PENDING] * 3
    assert all("ServiceUnavailable" in e.error for e in emails)
    assert all(e.next_attempt_at > timezone.now() for e in emails)  # waits before trying

    # Still down at the sweep: a second try each, a longer wait.
    _due_now()
    assert outbox_sweep().waiting == 3
    assert {e.attempts for e in emails.all()} == {2}
    assert received() == []

    # Not due yet: the sweep leaves them alone even once SES is back.
    proxy.failing = False
    assert outbox_sweep().sent == 0

    _due_now()
    assert outbox_sweep().sent == 3
    got = received()
    assert sorted(m["To"] for m in got) == [f"buyer{n}@example.org" for n in range(3)]
    assert all(e.state == EmailState.SENT and e.provider_message_id for e in emails.all())
    # Later sweeps, and a replayed task of a sent email, send nothing again.
    _due_now()
    assert outbox_sweep().sent == 0
    from shop.outbox import email_send

    for email in emails.all():
        assert email_send(email.pk) == EmailState.SENT
    assert len(received()) == 3


def test_ses_that_never_answers_is_given_up_on_in_seconds(flaky_ses, api_client, settings):
    proxy, _ = flaky_ses
    settings.SHOP_AWS_READ_TIMEOUT_SECONDS = 1
    proxy.silent = True
    product = ProductFactory(stock=5)
    started = timezone.now()
    response = api_client.post("/api/v1/orders/", order_body((product.pk, 1)), format="json")
    took = timezone.now() - started
    assert response.status_code == 201
    # Two tries of 1 s each (and a short pause), never botocore's 60 s.
    assert took < timedelta(seconds=20)
    email = OutboundEmail.objects.get(reference=response.json()["reference"])
    assert email.state == EmailState.PENDING and "timeout" in email.error.lower()


def test_an_email_that_never_goes_is_given_up_on_and_sent_again_from_the_admin(
    flaky_ses, api_client, settings
):
    proxy, received = flaky_ses
    settings.SHOP_EMAIL_MAX_ATTEMPTS = 3
    proxy.failing = True
    product = ProductFactory(stock=5)
    response = api_client.post("/api/v1/orders/", order_body((product.pk, 1)), format="json")
    email = OutboundEmail.objects.get(reference=response.json()["reference"])
    for _ in range(3):
        _due_now()
        outbox_sweep()
    email.refresh_from_db()
    assert (email.state, email.attempts) == (EmailState.FAILED, 3)
    _due_now()
    assert outbox_sweep().sent == 0  # given up: the sweep no longer tries
    proxy.failing = False
    from shop.outbox import emails_send_again

    emails_send_again(messages=[email])
    email.refresh_from_db()
    assert email.state == EmailState.SENT
    assert len(received()) == 1
