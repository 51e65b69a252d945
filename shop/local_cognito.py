"""A local stand-in for Cognito's token issuer, so that SPA developers can sign in offline.

It signs RS256 ID tokens with a key kept under var/ and serves the matching JWKS at the same
path shape as Cognito (`<issuer>/.well-known/jwks.json`). The API checks these tokens with
exactly the production code (shop.cognito); only the issuer and JWKS address differ, and
they come from settings. Never mounted when SHOP_ENV=production.
"""

import base64
import hashlib
import json
import time
import uuid
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from jwt.algorithms import RSAAlgorithm

from shop.api.errors import error_body


@cache
def _private_key() -> rsa.RSAPrivateKey:
    path = settings.COGNITO_LOCAL_KEY_FILE
    if path.exists():
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(loaded, rsa.RSAPrivateKey), f"{path} does not hold an RSA key"
        return loaded
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)
    return key


def _public_jwk() -> dict[str, Any]:
    jwk = json.loads(RSAAlgorithm.to_jwk(_private_key().public_key()))
    thumbprint = hashlib.sha256(f"{jwk['e']}{jwk['n']}".encode()).digest()[:12]
    return {
        **jwk,
        "kid": base64.urlsafe_b64encode(thumbprint).decode(),
        "alg": "RS256",
        "use": "sig",
    }


def local_id_token(*, email: str, name: str = "", lifetime_seconds: int = 3600) -> str:
    """Sign an ID token for a local customer; the same email is always the same customer."""
    validate_email(email)
    now = int(time.time())
    given, _, family = name.partition(" ")
    claims = {
        "iss": settings.COGNITO_ISSUER,
        "aud": settings.COGNITO_AUDIENCE,
        "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, f"local-customer:{email.lower()}")),
        "token_use": "id",
        "email": email,
        "email_verified": True,
        "given_name": given,
        "family_name": family,
        "cognito:username": email,
        "auth_time": now,
        "iat": now,
        "exp": now + lifetime_seconds,
    }
    return jwt.encode(
        claims, _private_key(), algorithm="RS256", headers={"kid": _public_jwk()["kid"]}
    )


@require_GET
def jwks(request: HttpRequest, pool: str) -> JsonResponse:
    """Serve the public key as Cognito serves a user pool's JWKS."""
    return JsonResponse({"keys": [_public_jwk()]})


@csrf_exempt
@require_POST
def token(request: HttpRequest, pool: str) -> JsonResponse:
    """Sign in locally: POST email (and name) as a form or JSON, get an ID token back."""
    data = request.POST
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse(error_body("parse_error", "Malformed JSON."), status=400)
    email = str(data.get("email", ""))
    try:
        id_token = local_id_token(email=email, name=str(data.get("name", "")))
    except ValidationError:
        return JsonResponse(
            error_body("invalid", "A valid email is needed.", {"email": ["Enter a valid email."]}),
            status=400,
        )
    return JsonResponse({"id_token": id_token, "token_type": "Bearer", "expires_in": 3600})
