"""The outbox: every email is a row written with the change that causes it, sent after.

    email_queue(kind="order.paid", to=..., params={...})   # inside the change's transaction
      -> once it commits: outbox_send_task(id) (asynchronous on Lambda, inline locally)
      -> email_send(id): claim the row, render it, hand it to the mail backend, mark it
    outbox_sweep() (a schedule and `manage.py send_outbox`): what is still unsent, again

A message is sent once. Sending claims the row first (pending -> sending, one conditional
UPDATE), so a second sender of the same row, or a retry of a sent one, does nothing; a sent
row keeps the provider's message id. A failed try puts it back with a growing wait, until
SHOP_EMAIL_MAX_ATTEMPTS: then it is failed, for an employee to see in the admin and send
again. A sender that died between the claim and the mark (its Lambda timed out) leaves the
row `sending`; the sweep gives it back after SHOP_EMAIL_CLAIM_MINUTES: the one case where a
message may go twice, since SES takes no idempotency key.

What an email says is made when it is sent, by the renderer its app registered for the
first part of its kind (`email_renderer_register` in the app's ready()).
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from shop.background import task_after_commit
from shop.models import EmailState, OutboundEmail
from shop.retry import backoff

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str = ""


class Suppressed(Exception):
    """Raised by a renderer for an email that must not go (a cap, nothing left to say)."""


type Renderer = Callable[[OutboundEmail], Rendered]

# The first part of a kind ("order" of "order.paid") -> the dotted path of its renderer.
_renderers: dict[str, str] = {}


def email_renderer_register(prefix: str, path: str) -> None:
    """Name the function (by dotted path, imported when first needed) that renders `prefix.*`."""
    _renderers[prefix] = path


def _renderer(kind: str) -> Renderer:
    return import_string(_renderers[kind.split(".", 1)[0]])


def email_queue(
    *,
    kind: str,
    to: str,
    params: dict[str, Any] | None = None,
    reference: str = "",
    resent_from: OutboundEmail | None = None,
) -> OutboundEmail:
    """Write one email to one address; it is sent once the current transaction commits."""
    if kind.split(".", 1)[0] not in _renderers:
        raise ValueError(f"No renderer is registered for emails of kind {kind!r}")
    message = OutboundEmail.objects.create(
        kind=kind, to=to, params=params or {}, reference=reference[:64], resent_from=resent_from
    )
    task_after_commit("shop.tasks.outbox_send_task", message.pk)
    return message


def emails_queue(
    *, kind: str, to: Iterable[str], params: dict[str, Any] | None = None, reference: str = ""
) -> list[OutboundEmail]:
    """The same email to each address, one row each (each is sent and retried on its own)."""
    return [email_queue(kind=kind, to=email, params=params, reference=reference) for email in to]


def _claim(message_id: int) -> OutboundEmail | None:
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=message_id, state=EmailState.PENDING, next_attempt_at__lte=now
    ).update(state=EmailState.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not claimed:
        return None  # sent, being sent, given up on, or not due yet: nothing to do
    return OutboundEmail.objects.get(pk=message_id)


def _finish(message: OutboundEmail, **fields: Any) -> None:
    # Only the claim's holder marks the row (a stale claim given back and taken again by
    # another sender is theirs to mark).
    OutboundEmail.objects.filter(
        pk=message.pk, state=EmailState.SENDING, claimed_at=message.claimed_at
    ).update(**fields)


def email_send(message_id: int) -> str:
    """Send one email if it is due and unsent; return its state afterwards.

    Never raises for a failure of the mail backend: the row records it and the sweep tries
    again. Call it outside transactions (the mail provider is on the network).
    """
    message = _claim(message_id)
    if message is None:
        current = OutboundEmail.objects.filter(pk=message_id).values_list("state", flat=True)
        return current.first() or "missing"
    try:
        rendered = _renderer(message.kind)(message)
    except Suppressed as held:
        logger.warning("Held back email %s (%s): %s", message.pk, message.kind, held)
        _finish(message, state=EmailState.SUPPRESSED, error=str(held)[:2000], claimed_at=None)
        return EmailState.SUPPRESSED
    except Exception as exc:
        logger.exception("Could not render email %s (%s)", message.pk, message.kind)
        return _failed(message, exc)
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1] or None
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        to=[message.to],
        headers={"Message-ID": make_msgid(domain=domain)},
    )
    if rendered.html:
        email.attach_alternative(rendered.html, "text/html")
    try:
        email.send()
    except Exception as exc:
        logger.warning("Could not send email %s (%s): %s", message.pk, message.kind, exc)
        return _failed(message, exc)
    provider_id = email.extra_headers.get("message_id") or email.extra_headers["Message-ID"]
    _finish(
        message,
        state=EmailState.SENT,
        sent_at=timezone.now(),
        provider_message_id=str(provider_id)[:255],
        subject=rendered.subject[:255],
        body_text=rendered.text,
        error="",
        claimed_at=None,
    )
    return EmailState.SENT


def _failed(message: OutboundEmail, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if message.attempts >= settings.SHOP_EMAIL_MAX_ATTEMPTS:
        logger.error(
            "Gave up on email %s (%s) after %s tries", message.pk, message.kind, message.attempts
        )
        _finish(message, state=EmailState.FAILED, error=error, claimed_at=None)
        return EmailState.FAILED
    wait = backoff(message.attempts, max_minutes=settings.SHOP_EMAIL_RETRY_MAX_MINUTES)
    _finish(
        message,
        state=EmailState.PENDING,
        error=error,
        next_attempt_at=timezone.now() + wait,
        claimed_at=None,
    )
    return EmailState.PENDING


@dataclass(frozen=True)
class Swept:
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    reclaimed: int = 0
    purged: int = 0


def outbox_sweep(*, limit: int = 500) -> Swept:
    """Send what is due and still unsent; give back stale claims; forget old sent emails."""
    now = timezone.now()
    stale = now - timedelta(minutes=settings.SHOP_EMAIL_CLAIM_MINUTES)
    reclaimed = OutboundEmail.objects.filter(state=EmailState.SENDING, claimed_at__lt=stale).update(
        state=EmailState.PENDING, claimed_at=None, next_attempt_at=now
    )
    if reclaimed:
        logger.warning("Gave back %s email(s) whose sender stopped while sending", reclaimed)
    due = list(
        OutboundEmail.objects.filter(state=EmailState.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    outcomes = [email_send(pk) for pk in due]
    cutoff = now - timedelta(days=settings.SHOP_EMAIL_RETENTION_DAYS)
    purged, _ = OutboundEmail.objects.filter(
        Q(state=EmailState.SENT) | Q(state=EmailState.SUPPRESSED), created_at__lt=cutoff
    ).delete()
    return Swept(
        sent=outcomes.count(EmailState.SENT),
        failed=outcomes.count(EmailState.FAILED),
        waiting=outcomes.count(EmailState.PENDING),
        reclaimed=reclaimed,
        purged=purged,
    )


@transaction.atomic
def emails_send_again(*, messages: Iterable[OutboundEmail]) -> list[OutboundEmail]:
    """An employee's "send again": unsent ones are tried now (with fresh tries), sent ones
    are copied into a new email (the sent one stays as it was). Returns the emails queued."""
    queued = []
    for message in messages:
        if message.state == EmailState.SENT:
            queued.append(
                email_queue(
                    kind=message.kind,
                    to=message.to,
                    params=message.params,
                    reference=message.reference,
                    resent_from=message,
                )
            )
            continue
        if message.state == EmailState.SENDING:
            continue  # being sent right now
        OutboundEmail.objects.filter(pk=message.pk).update(
            state=EmailState.PENDING, attempts=0, next_attempt_at=timezone.now(), error=""
        )
        message.refresh_from_db()
        task_after_commit("shop.tasks.outbox_send_task", message.pk)
        queued.append(message)
    return queued


def outbox_backlog_age() -> timedelta | None:
    """How long the oldest email still waiting to be sent has waited (None: nothing waits)."""
    oldest = OutboundEmail.objects.filter(
        state__in=(EmailState.PENDING, EmailState.SENDING)
    ).aggregate(oldest=Min("created_at"))["oldest"]
    return None if oldest is None else timezone.now() - oldest
