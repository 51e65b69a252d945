"""Customer sign-in with Amazon Cognito ID tokens: PyJWT's key client, django-cognito-jwt's errors.

Keys come from `jwt.PyJWKClient`, which downloads the user pool's JWKS, keeps it for
COGNITO_JWKS_LIFESPAN_SECONDS, looks keys up by `kid` and, for a `kid` it does not know,
downloads again at most once per COGNITO_JWKS_MIN_REFRESH_SECONDS (its cooldown), so bad
tokens cannot make us download keys in a loop. What is added here:

- one validator per process and configuration, so the key set is downloaded once, not per
  request;
- a failed download (the pool unreachable) pauses downloads for a short back-off, during which
  only keys already held are used;
- only RS256 ID tokens (`token_use: id`) of the configured pool (issuer) and app client
  (audience) that have not expired are accepted; every bad token is a 401 envelope;
- a token verified once is remembered until it expires (an SPA sends the same ID token for
  up to an hour), so its signature is not checked again on every request.

Loaded with the first bearer token (shop.auth.CognitoAuthentication), never at start-up.
"""

import functools
import logging
import threading
import time
from typing import Any

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django_cognito_jwt import JSONWebTokenAuthentication
from django_cognito_jwt.validator import TokenError
from rest_framework import exceptions
from rest_framework.request import Request

from shop.errors import InactiveUser

logger = logging.getLogger(__name__)

REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "token_use"]
# Claims the shop stores, with the longest value accepted (sub and email are required to
# fit their columns; Cognito allows attributes of up to 2048 characters, names are cut to
# the column when stored).
STORED_CLAIMS = {"sub": 128, "email": 254, "given_name": 2048, "family_name": 2048, "name": 2048}


def _stored_claims_checked(claims: dict[str, Any]) -> None:
    """Refuse claims the shop would store that are not short, printable strings."""
    for name, longest in STORED_CLAIMS.items():
        if name not in claims:
            continue
        value = claims[name]
        if not isinstance(value, str) or len(value) > longest:
            raise TokenError(f"The {name} claim is not a string of at most {longest} characters.")
        if any(ord(char) < 32 or ord(char) == 127 for char in value):
            raise TokenError(f"The {name} claim holds control characters.")
    if not claims["sub"]:
        raise TokenError("The sub claim is empty.")


class CognitoTokenValidator:
    """Validate Cognito ID tokens against the pool's key set, held by a PyJWKClient."""

    def __init__(
        self,
        *,
        region: str,
        user_pool: str,
        audience: str,
        issuer: str = "",
        jwks_url: str = "",
        timeout: float = 3.0,
        lifespan_seconds: float = 3600.0,
        min_refresh_seconds: float = 300.0,
        failure_backoff_seconds: float = 10.0,
        leeway_seconds: int = 30,
    ):
        self.audience = audience
        self.issuer = issuer or f"https://cognito-idp.{region}.amazonaws.com/{user_pool}"
        self.jwks_url = jwks_url or f"{self.issuer}/.well-known/jwks.json"
        self.failure_backoff_seconds = failure_backoff_seconds
        self.leeway_seconds = leeway_seconds
        self._keys = jwt.PyJWKClient(
            self.jwks_url,
            lifespan=lifespan_seconds,
            cooldown_duration=min_refresh_seconds,
            timeout=timeout,
        )
        self._lock = threading.Lock()
        self._next_refresh = 0.0  # after a failed download, no other is tried before this
        # Only successes are remembered: lru_cache does not keep exceptions.
        self._verified = functools.lru_cache(maxsize=4096)(self._verify)

    @property
    def timeout(self) -> tuple[float, float]:
        """(connect, read) seconds of a key download: urllib applies one value to both."""
        return (self._keys.timeout, self._keys.timeout)

    def signing_key(self, kid: str) -> jwt.PyJWK:
        """Return the pool's key `kid`, downloading the key set only when PyJWKClient must."""
        with self._lock:
            if time.monotonic() < self._next_refresh:
                # Backing off after a failure: answer from the key set held, if any.
                held = self._keys.jwk_set_cache.get() if self._keys.jwk_set_cache else None
                key = jwt.PyJWKClient.match_kid(held.keys, kid) if held else None
                if key is None:
                    raise TokenError("The user pool's keys are unavailable.")
                return key
            try:
                return self._keys.get_signing_key(kid)
            except jwt.PyJWKClientConnectionError as exc:
                self._next_refresh = time.monotonic() + self.failure_backoff_seconds
                logger.warning("Could not download the JWKS from %s: %s", self.jwks_url, exc)
                raise TokenError("The user pool's keys are unavailable.") from exc
            except jwt.PyJWTError as exc:  # no such kid, or an unusable key set
                raise TokenError(str(exc)) from exc

    def validate(self, token: bytes | str) -> dict[str, Any]:
        """Return the claims of a valid ID token, or raise TokenError."""
        claims = self._verified(token if isinstance(token, bytes) else token.encode())
        if claims["exp"] + self.leeway_seconds < time.time():
            raise TokenError("Signature has expired.")
        return dict(claims)

    def _verify(self, token: bytes) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise TokenError(f"Unreadable token: {exc}") from exc
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenError("The token names no key (kid).")
        if header.get("alg") != "RS256":
            raise TokenError("Only RS256 tokens are accepted.")
        key = self.signing_key(kid)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway_seconds,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as exc:
            raise TokenError(str(exc)) from exc
        if claims.get("token_use") != "id":
            raise TokenError("Only ID tokens are accepted.")
        _stored_claims_checked(claims)
        return claims


@functools.lru_cache(maxsize=4)
def _validator(**config: Any) -> CognitoTokenValidator:
    return CognitoTokenValidator(**config)


def token_validator() -> CognitoTokenValidator:
    """Return this process's validator for the configured pool (made once, then reused)."""
    return _validator(
        region=settings.COGNITO_AWS_REGION,
        user_pool=settings.COGNITO_USER_POOL,
        audience=settings.COGNITO_AUDIENCE,
        issuer=settings.COGNITO_ISSUER,
        jwks_url=settings.COGNITO_JWKS_URL,
        lifespan_seconds=settings.COGNITO_JWKS_LIFESPAN_SECONDS,
        min_refresh_seconds=settings.COGNITO_JWKS_MIN_REFRESH_SECONDS,
    )


def authenticate_bearer(request: Request) -> tuple[Any, dict[str, Any]] | None:
    """Return (customer, claims) for the request's bearer ID token; None without one; else 401."""
    token = JSONWebTokenAuthentication().get_jwt_token(request)
    if token is None:
        return None
    try:
        claims = token_validator().validate(token)
    except TokenError as exc:
        logger.info("Refused a bearer token: %s", exc)
        raise exceptions.AuthenticationFailed("Invalid or expired token.") from exc
    try:
        user = get_user_model().objects.get_or_create_for_cognito(claims)
    except InactiveUser as exc:
        raise exceptions.AuthenticationFailed(exc.message) from exc
    return user, claims
