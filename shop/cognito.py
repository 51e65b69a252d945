"""Customer sign-in with Amazon Cognito ID tokens, built on django-cognito-jwt.

As shipped, django-cognito-jwt builds a validator for every request, downloads the JWKS on
every request (unless caching is on, and then still for any unknown `kid`), has no network
timeouts, turns a token without `kid` into a 500 and never checks `token_use`. Here:

- one validator per process and configuration keeps the parsed keys in memory;
- an unknown `kid` refreshes the JWKS at most once per COGNITO_JWKS_MIN_REFRESH_SECONDS
  (a failed download is retried after a short back-off), so bad tokens cannot make us
  download keys in a loop;
- downloads have connect and read timeouts;
- only RS256 ID tokens of the configured pool (issuer) and app client (audience) that have
  not expired are accepted; every bad token is a 401 envelope;
- a token verified once is remembered until it expires (an SPA sends the same ID token for
  up to an hour), so its signature is not checked again on every request.
"""

import functools
import logging
import threading
import time
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django_cognito_jwt import JSONWebTokenAuthentication
from django_cognito_jwt.validator import TokenError, TokenValidator
from jwt.algorithms import RSAAlgorithm
from rest_framework import exceptions

from shop.errors import InactiveUser

logger = logging.getLogger(__name__)

REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "token_use"]


class CognitoTokenValidator(TokenValidator):
    """Validate Cognito ID tokens against a JWKS kept in memory and refreshed sparingly."""

    def __init__(
        self,
        *,
        region: str,
        user_pool: str,
        audience: str,
        issuer: str = "",
        jwks_url: str = "",
        timeout: tuple[float, float] = (2.0, 3.0),
        min_refresh_seconds: float = 300.0,
        failure_backoff_seconds: float = 10.0,
        leeway_seconds: int = 30,
    ):
        super().__init__(region, user_pool, audience)
        self._issuer = issuer
        self._jwks_url = jwks_url
        self.timeout = timeout
        self.min_refresh_seconds = min_refresh_seconds
        self.failure_backoff_seconds = failure_backoff_seconds
        self.leeway_seconds = leeway_seconds
        self._keys: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._next_refresh = 0.0  # monotonic time before which no download is tried
        # Only successes are remembered: lru_cache does not keep exceptions.
        self._verified = functools.lru_cache(maxsize=4096)(self._verify)

    @functools.cached_property
    def pool_url(self) -> str:
        """The expected issuer: the user pool's URL unless configured otherwise."""
        return self._issuer or TokenValidator.pool_url.func(self)

    @property
    def jwks_url(self) -> str:
        return self._jwks_url or f"{self.pool_url}/.well-known/jwks.json"

    def _get_public_key(self, token: bytes | str):
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise TokenError(f"Unreadable token: {exc}") from exc
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenError("The token names no key (kid).")
        if header.get("alg") != "RS256":
            raise TokenError("Only RS256 tokens are accepted.")
        key = self._keys.get(kid)
        if key is None:
            self._refresh()
            key = self._keys.get(kid)
        return key

    def _refresh(self) -> None:
        """Download the JWKS, unless one was tried too recently (rate limit and back-off)."""
        with self._lock:
            now = time.monotonic()
            if now < self._next_refresh:
                return
            self._next_refresh = now + self.failure_backoff_seconds
            try:
                response = requests.get(self.jwks_url, timeout=self.timeout)
                response.raise_for_status()
                items = response.json()["keys"]
            except (requests.RequestException, ValueError, KeyError, TypeError):
                logger.warning("Could not download the JWKS from %s", self.jwks_url, exc_info=True)
                return
            keys = {}
            for item in items:
                if not isinstance(item, dict) or item.get("kty") != "RSA" or not item.get("kid"):
                    continue
                if item.get("use", "sig") != "sig" or item.get("alg", "RS256") != "RS256":
                    continue
                try:
                    keys[item["kid"]] = RSAAlgorithm.from_jwk(item)
                except (jwt.PyJWTError, ValueError, KeyError):
                    logger.warning("Skipping an unreadable key in the JWKS: %s", item.get("kid"))
            if keys:
                self._keys = keys
                self._next_refresh = now + self.min_refresh_seconds

    def validate(self, token: bytes | str) -> dict[str, Any]:
        """Return the claims of a valid ID token, or raise TokenError."""
        claims = self._verified(token if isinstance(token, bytes) else token.encode())
        if claims["exp"] + self.leeway_seconds < time.time():
            raise TokenError("Signature has expired.")
        return dict(claims)

    def _verify(self, token: bytes) -> dict[str, Any]:
        key = self._get_public_key(token)
        if key is None:
            raise TokenError("No key found for this token.")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self.audience,
                issuer=self.pool_url,
                leeway=self.leeway_seconds,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as exc:
            raise TokenError(str(exc)) from exc
        if claims.get("token_use") != "id":
            raise TokenError("Only ID tokens are accepted.")
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
        min_refresh_seconds=settings.COGNITO_JWKS_MIN_REFRESH_SECONDS,
    )


class CognitoAuthentication(JSONWebTokenAuthentication):
    """`Authorization: Bearer <Cognito ID token>` for customers; any bad token is a 401.

    Used through shop.auth.CognitoAuthentication (the class settings name), which loads this
    module with the first bearer token and answers the 401's WWW-Authenticate header.
    """

    def authenticate(self, request):
        token = self.get_jwt_token(request)
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
