"""Payment providers: Stripe in production, a local stand-in that needs no account.

Both speak Stripe's webhook format: events are JSON signed with the endpoint secret in a
`Stripe-Signature` header, checked by `stripe.WebhookSignature.verify_header`. The local provider
makes its intents itself and signs its events with the local secret, so they go through the
same webhook code as Stripe's.
"""

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from django.conf import settings

from payments.errors import InvalidWebhook, ProviderError, ProviderUnavailable


@dataclass(frozen=True)
class Intent:
    id: str
    client_secret: str
    status: str  # the provider's own word, e.g. requires_payment_method, succeeded


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    intent_id: str
    amount_minor: int
    currency: str  # lower case, as Stripe sends it
    reference: str  # the order's, from the intent's metadata
    error: str = ""


class Provider(Protocol):
    name: str

    def intent_create(
        self, *, amount_minor: int, currency: str, reference: str, idempotency_key: str
    ) -> Intent: ...

    def intent_cancel(self, *, intent_id: str) -> str: ...

    def refund_create(self, *, intent_id: str, amount_minor: int, idempotency_key: str) -> str: ...

    def event_read(self, *, payload: bytes, signature: str) -> Event: ...


# How far a signature's timestamp may be from now, either way (Stripe's default is 300 s).
SIGNATURE_TOLERANCE_SECONDS = 300


def _signed_at(signature: str) -> int:
    """Return the `t=` timestamp of a Stripe-Signature header."""
    for part in signature.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isascii() and value.isdigit():
            return int(value)
    raise InvalidWebhook("The Stripe-Signature header has no timestamp.")


def _event_of(payload: bytes, signature: str, secret: str) -> Event:
    # Imported on the first payment: stripe is large and most requests never need it.
    import stripe

    if not signature:
        raise InvalidWebhook("The Stripe-Signature header is missing.")
    try:
        # Stripe's own check of the HMAC and of a timestamp too old (a replay).
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, secret, tolerance=SIGNATURE_TOLERANCE_SECONDS
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
        raise InvalidWebhook("The signature does not match this endpoint's secret.") from exc
    # Stripe checks only the past; a timestamp from the future is refused as well.
    if _signed_at(signature) > time.time() + SIGNATURE_TOLERANCE_SECONDS:
        raise InvalidWebhook("The signature's timestamp is in the future.")
    # Verified: read the fields this shop uses from the very bytes that were signed.
    try:
        event = json.loads(payload)
    except (ValueError, RecursionError) as exc:  # not JSON, or nested absurdly deep
        raise InvalidWebhook("The body is not a JSON event.") from exc
    try:
        if not isinstance(event, dict):
            raise TypeError("not an object")
        intent = event["data"]["object"]
        failure = intent.get("last_payment_error") or {}
        read = Event(
            id=str(event["id"])[:255],
            type=str(event["type"])[:100],
            intent_id=str(intent.get("id", ""))[:255],
            amount_minor=int(intent.get("amount_received") or intent.get("amount") or 0),
            currency=str(intent.get("currency", ""))[:3],
            reference=str((intent.get("metadata") or {}).get("order_reference", ""))[:32],
            error=str(failure.get("message", ""))[:500],
        )
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise InvalidWebhook("The event does not have the expected shape.") from exc
    if any("\x00" in value for value in (read.id, read.type, read.intent_id, read.reference)):
        raise InvalidWebhook("The event's ids hold a NUL character.")
    return read


class _StripeWebhooks:
    """Events in Stripe's format, checked with the endpoint secret: both providers send them."""

    def event_read(self, *, payload: bytes, signature: str) -> Event:
        return _event_of(payload, signature, settings.STRIPE_WEBHOOK_SECRET)


class StripeProvider(_StripeWebhooks):
    """Stripe's API through the official `stripe` package."""

    name = "stripe"

    def __init__(self) -> None:
        import stripe

        self._stripe = stripe
        # Bounded: a payment start waits at most about (retries + 1) x timeout for Stripe.
        options: dict[str, Any] = {
            "max_network_retries": settings.STRIPE_MAX_NETWORK_RETRIES,
            "http_client": stripe.new_default_http_client(timeout=settings.STRIPE_TIMEOUT_SECONDS),
        }
        if settings.STRIPE_API_BASE:  # tests: a stand-in Stripe on loopback
            options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
        self.client = stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)
        # Answers that may differ on a later try: no answer, a rate limit, Stripe's own error.
        self._transient = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)

    def _failed(self, what: str, exc: Exception) -> ProviderError:
        detail = getattr(exc, "user_message", None) or exc
        if isinstance(exc, self._transient):
            return ProviderUnavailable(f"Stripe did not answer ({what}); try again: {detail}")
        return ProviderError(f"Stripe refused ({what}): {detail}")

    def intent_create(
        self, *, amount_minor: int, currency: str, reference: str, idempotency_key: str
    ) -> Intent:
        try:
            intent = self.client.v1.payment_intents.create(
                params={
                    "amount": amount_minor,
                    "currency": currency.lower(),
                    "metadata": {"order_reference": reference},
                    "description": f"Order {reference}",
                    "automatic_payment_methods": {"enabled": True},
                },
                options={"idempotency_key": idempotency_key},
            )
        except self._stripe.StripeError as exc:
            raise self._failed("starting the payment", exc) from exc
        return Intent(id=intent.id, client_secret=intent.client_secret or "", status=intent.status)

    def intent_cancel(self, *, intent_id: str) -> str:
        """Cancel an intent; return its status afterwards (it may have succeeded meanwhile)."""
        try:
            try:
                return self.client.v1.payment_intents.cancel(intent_id).status
            except self._stripe.InvalidRequestError:
                # Already succeeded or cancelled: say what it is now.
                return self.client.v1.payment_intents.retrieve(intent_id).status
        except self._stripe.StripeError as exc:
            raise self._failed(f"cancelling {intent_id}", exc) from exc

    def refund_create(self, *, intent_id: str, amount_minor: int, idempotency_key: str) -> str:
        try:
            refund = self.client.v1.refunds.create(
                params={"payment_intent": intent_id, "amount": amount_minor},
                options={"idempotency_key": idempotency_key},
            )
        except self._stripe.StripeError as exc:
            raise self._failed(f"refunding {intent_id}", exc) from exc
        return refund.id


class LocalProvider(_StripeWebhooks):
    """Payments without an account, for local runs: intents made here, events signed here."""

    name = "local"

    def intent_create(
        self, *, amount_minor: int, currency: str, reference: str, idempotency_key: str
    ) -> Intent:
        intent_id = f"pi_local_{secrets.token_hex(12)}"
        return Intent(
            id=intent_id,
            client_secret=f"{intent_id}_secret_{secrets.token_hex(12)}",
            status="requires_payment_method",
        )

    def intent_cancel(self, *, intent_id: str) -> str:
        return "canceled"

    def refund_create(self, *, intent_id: str, amount_minor: int, idempotency_key: str) -> str:
        return f"re_local_{secrets.token_hex(12)}"


def event_sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """Return a Stripe-Signature header for a payload, as Stripe makes it."""
    stamp = int(time.time()) if timestamp is None else timestamp
    # Stripe's documented scheme: HMAC-SHA256 of "<timestamp>.<payload>" with the secret.
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256)
    return f"t={stamp},v1={digest.hexdigest()}"


def event_payload(
    *, type: str, intent_id: str, amount_minor: int, currency: str, reference: str
) -> bytes:
    """Return a payment_intent event as Stripe sends it (the fields this shop reads)."""
    status = {"payment_intent.succeeded": "succeeded"}.get(type, "requires_payment_method")
    intent = {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount_minor,
        "amount_received": amount_minor if status == "succeeded" else 0,
        "currency": currency.lower(),
        "status": status,
        "metadata": {"order_reference": reference},
    }
    if type == "payment_intent.payment_failed":
        intent["last_payment_error"] = {"message": "Your card was declined."}
    event = {
        "id": f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "type": type,
        "created": int(time.time()),
        "data": {"object": intent},
    }
    return json.dumps(event).encode()


@cache
def _provider(name: str, api_base: str, api_key: str) -> Provider:
    return StripeProvider() if name == "stripe" else LocalProvider()


def provider() -> Provider:
    """Return the configured provider (PAYMENTS_PROVIDER), made once per process."""
    return _provider(
        settings.PAYMENTS_PROVIDER, settings.STRIPE_API_BASE, settings.STRIPE_SECRET_KEY
    )
