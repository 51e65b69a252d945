"""The outbox: written with its change, sent once after the commit, swept, seen in the admin."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from shop.models import EmailState, OutboundEmail
from shop.outbox import email_queue, email_send, emails_send_again, outbox_sweep
from tests.factories import OrderFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        placed = OrderFactory()
    mailoutbox.clear()
    return placed


def _queued(order, django_capture_on_commit_callbacks, *, send: bool = False) -> OutboundEmail:
    with django_capture_on_commit_callbacks(execute=send):
        return email_queue(
            kind="order.paid",
            to=order.email,
            params={"order_id": order.pk},
            reference=order.reference,
        )


def test_an_email_of_a_change_that_rolls_back_is_never_written(order, mailoutbox):
    before = OutboundEmail.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        email_queue(kind="order.paid", to=order.email, params={"order_id": order.pk})
        raise RuntimeError("the change failed")
    assert OutboundEmail.objects.count() == before
    assert mailoutbox == []


def test_sent_once_with_the_providers_id_and_its_text_kept(
    order, mailoutbox, django_capture_on_commit_callbacks
):
    email = _queued(order, django_capture_on_commit_callbacks, send=True)
    email.refresh_from_db()
    assert email.state == EmailState.SENT
    assert email.provider_message_id == mailoutbox[0].extra_headers["Message-ID"]
    assert email.subject == f"Payment received for your order {order.reference}"
    assert order.reference in email.body_text
    assert email_send(email.pk) == EmailState.SENT
    assert len(mailoutbox) == 1


def test_a_second_sender_of_the_same_email_does_nothing(
    order, mailoutbox, django_capture_on_commit_callbacks
):
    email = _queued(order, django_capture_on_commit_callbacks)
    # The first sender has claimed it and is talking to SES right now.
    OutboundEmail.objects.filter(pk=email.pk).update(
        state=EmailState.SENDING, claimed_at=timezone.now(), attempts=1
    )
    assert email_send(email.pk) == EmailState.SENDING
    assert outbox_sweep().sent == 0
    assert mailoutbox == []


def test_a_sender_that_died_is_given_back_by_the_sweep(
    order, mailoutbox, settings, django_capture_on_commit_callbacks
):
    email = _queued(order, django_capture_on_commit_callbacks)
    died = timezone.now() - timedelta(minutes=settings.SHOP_EMAIL_CLAIM_MINUTES + 1)
    OutboundEmail.objects.filter(pk=email.pk).update(
        state=EmailState.SENDING, claimed_at=died, attempts=1
    )
    swept = outbox_sweep()
    assert (swept.reclaimed, swept.sent) == (1, 1)
    assert len(mailoutbox) == 1


def test_send_again_copies_a_sent_email_and_leaves_it_as_it_was(
    order, mailoutbox, django_capture_on_commit_callbacks
):
    email = _queued(order, django_capture_on_commit_callbacks, send=True)
    with django_capture_on_commit_callbacks(execute=True):
        [copy] = emails_send_again(messages=[OutboundEmail.objects.get(pk=email.pk)])
    assert copy.pk != email.pk
    copy.refresh_from_db()
    assert (copy.state, copy.resent_from_id) == (EmailState.SENT, email.pk)
    assert OutboundEmail.objects.get(pk=email.pk).state == EmailState.SENT
    assert len(mailoutbox) == 2


def test_old_sent_emails_are_forgotten_and_unsent_ones_kept(
    order, settings, django_capture_on_commit_callbacks
):
    sent = _queued(order, django_capture_on_commit_callbacks, send=True)
    failed = _queued(order, django_capture_on_commit_callbacks)
    old = timezone.now() - timedelta(days=settings.SHOP_EMAIL_RETENTION_DAYS + 1)
    OutboundEmail.objects.filter(pk=sent.pk).update(created_at=old)
    OutboundEmail.objects.filter(pk=failed.pk).update(created_at=old, state=EmailState.FAILED)
    assert outbox_sweep().purged >= 1
    assert not OutboundEmail.objects.filter(pk=sent.pk).exists()
    assert OutboundEmail.objects.filter(pk=failed.pk).exists()


def test_an_unknown_kind_is_refused_when_written(order):
    with pytest.raises(ValueError, match="No renderer"):
        email_queue(kind="parcel.lost", to=order.email)


def test_order_managers_see_the_outbox_and_send_an_email_again(
    client, order, mailoutbox, django_capture_on_commit_callbacks
):
    email = _queued(order, django_capture_on_commit_callbacks)
    OutboundEmail.objects.filter(pk=email.pk).update(
        state=EmailState.FAILED, attempts=10, error="ServiceUnavailable"
    )
    manager = StaffFactory()
    manager.groups.add(Group.objects.get(name="Order managers"))
    client.force_login(manager)
    page = client.get("/admin/shop/outboundemail/?state=failed")
    assert page.status_code == 200
    text = page.content.decode()
    assert order.reference in text and "Gave up" in text and "ServiceUnavailable" in text
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/admin/shop/outboundemail/",
            {"action": "send_again", "_selected_action": [email.pk]},
            follow=True,
        )
    assert "1 email(s) queued to be sent again." in answer.content.decode()
    email.refresh_from_db()
    assert email.state == EmailState.SENT
    assert len(mailoutbox) == 1
    assert client.get(f"/admin/shop/outboundemail/{email.pk}/change/").status_code == 200
    assert client.get(f"/admin/shop/outboundemail/{email.pk}/history/").status_code == 200


def test_readiness_names_an_outbox_that_stopped_sending(client, order, settings):
    assert client.get("/readyz").json()["status"] == "ok"
    OutboundEmail.objects.create(
        kind="order.paid",
        to=order.email,
        params={"order_id": order.pk},
        created_at=timezone.now()
        - timedelta(minutes=settings.SHOP_READY_OUTBOX_MAX_AGE_MINUTES + 5),
    )
    answer = client.get("/readyz")
    assert answer.status_code == 503
    body = answer.json()["error"]
    assert body["code"] == "not_ready"
    assert "oldest unsent email has waited" in body["details"]["outbox"]
    assert "storage" not in body["details"] and "database" not in body["details"]
