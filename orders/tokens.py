"""Guest access tokens: made at placement, shown once, stored only as a hash.

A guest order placed with an Idempotency-Key gets a token derived from that key, so that a
retry whose first answer was lost gets the same token back. Derivation uses Django's
salted_hmac with a salt of its own; tokens derived under a retired SECRET_KEY (one listed in
SECRET_KEY_FALLBACKS) are still recognised.
"""

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

SALT = "orders.tokens.guest-order-access"


def token_new() -> str:
    """Return a fresh random token (256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Return the stored form of a token: SHA-256, independent of any secret key."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Tell, in constant time, whether `token` is the one `stored_hash` was made from."""
    return bool(stored_hash) and hmac.compare_digest(stored_hash, token_hash(token))


def _derive(*, scope: str, key: str, reference: str, secret: str | bytes) -> str:
    digest = salted_hmac(
        SALT, f"{scope}\x00{key}\x00{reference}", secret=secret, algorithm="sha256"
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_derive(*, scope: str, key: str, reference: str) -> str:
    """Return the token for an order placed with an Idempotency-Key, under the current key."""
    return _derive(scope=scope, key=key, reference=reference, secret=settings.SECRET_KEY)


def token_rederive(*, scope: str, key: str, reference: str, stored_hash: str) -> str | None:
    """Return the token an earlier placement derived, under the current or a retired key.

    None when no key derives it: the order was placed some other way, and its token cannot
    be given out again.
    """
    secrets_: list[str | bytes] = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    for secret in secrets_:
        token = _derive(scope=scope, key=key, reference=reference, secret=secret)
        if token_matches(token, stored_hash):
            return token
    return None


FOLLOW_SALT = "orders.tokens.follow-link"


def follow_token(reference: str) -> str:
    """A signed, long-lived token naming one order: the link in the customer's emails.

    Django's signing under SECRET_KEY (SECRET_KEY_FALLBACKS still verify it after a
    rotation); it opens the order wherever X-Order-Token is accepted, for
    SHOP_ORDER_LINK_DAYS days. The reference alone never opens an order.
    """
    return signing.dumps(reference, salt=FOLLOW_SALT, compress=True)


def follow_token_matches(token: str, reference: str) -> bool:
    """Whether `token` is an unexpired follow link of the order `reference`."""
    try:
        named = signing.loads(
            token, salt=FOLLOW_SALT, max_age=timedelta(days=settings.SHOP_ORDER_LINK_DAYS)
        )
    except signing.BadSignature:  # tampered, another salt, or expired (SignatureExpired)
        return False
    return isinstance(named, str) and hmac.compare_digest(named, reference)
