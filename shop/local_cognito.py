"""A local stand-in for Cognito's user pool and Hosted UI, so that the storefront signs in offline.

It signs RS256 ID tokens with a key kept under var/ and serves the matching JWKS at the same
path shape as Cognito (`<issuer>/.well-known/jwks.json`), with the OpenID discovery document
beside it. Like the Hosted UI it signs a browser in with the authorization code grant and
PKCE: `oauth2/authorize` (a page asking for an email and a name, no password), `oauth2/token`
(the code for tokens, only with the code verifier whose S256 hash the authorize request
carried; and refresh tokens for new ones), and `logout`. The API checks these tokens with
exactly the production code (shop.cognito); only the issuer and JWKS address differ, and they
come from settings. Never mounted when SHOP_ENV=production. The storefront's code is the same
for this and for Cognito: only its configuration (authority, domain, client id) differs.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from datetime import timedelta
from functools import cache
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core import signing
from django.core.cache import cache as django_cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
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


def local_id_token(
    *, email: str, name: str = "", lifetime_seconds: int = 3600, nonce: str = ""
) -> str:
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
        **({"nonce": nonce} if nonce else {}),
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


# The Hosted UI's part: authorization code with PKCE, as Cognito's /oauth2/ endpoints answer.
CODE_SECONDS = 300
REFRESH_DAYS = 30
CODE_SALT = "shop.local_cognito.code"
REFRESH_SALT = "shop.local_cognito.refresh"


def _domain(request: HttpRequest, pool: str) -> str:
    """The stand-in's "user pool domain": where its Hosted UI endpoints are, as this request
    reached them."""
    return request.build_absolute_uri(f"/local-cognito/{pool}")


@require_GET
def openid_configuration(request: HttpRequest, pool: str) -> JsonResponse:
    """The discovery document, as Cognito serves it at `<issuer>/.well-known/...`."""
    domain = _domain(request, pool)
    return JsonResponse(
        {
            "issuer": settings.COGNITO_ISSUER,
            "authorization_endpoint": f"{domain}/oauth2/authorize",
            "token_endpoint": f"{domain}/oauth2/token",
            "userinfo_endpoint": f"{domain}/oauth2/userInfo",
            "jwks_uri": f"{domain}/.well-known/jwks.json",
            # Like Cognito, no end_session_endpoint: clients sign out at <domain>/logout.
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "email", "profile"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["none"],
        }
    )


def _allowed_redirect(request: HttpRequest, uri: str) -> bool:
    """A callback or sign-out address the "app client" allows: on this origin, or on an
    origin the API lets call it (CORS_ALLOWED_ORIGINS), as Cognito checks its callback URLs."""
    parsed = urlsplit(uri)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.fragment:
        return False
    origin = f"{parsed.scheme}://{parsed.netloc}"
    own = f"{request.scheme}://{request.get_host()}"
    return origin == own or origin in settings.CORS_ALLOWED_ORIGINS


def _oauth_error(error: str, description: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description}, status=status)


def _authorize_refusal(request: HttpRequest, params: Any) -> str:
    """What is wrong with an authorization request, or "" (Cognito's rules, PKCE required)."""
    if params.get("response_type") != "code":
        return "Only response_type=code is supported."
    if params.get("client_id") != settings.COGNITO_AUDIENCE:
        return "Unknown client_id."
    if not _allowed_redirect(request, params.get("redirect_uri", "")):
        return "redirect_uri is not a callback URL of this app client."
    if "openid" not in params.get("scope", "").split():
        return "The scope must include openid."
    if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
        return "PKCE is required: code_challenge with code_challenge_method=S256."
    return ""


@csrf_protect
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest, pool: str) -> HttpResponse:
    """The Hosted UI's sign-in page: an email and a name (no password), then back to the app."""
    params = request.GET
    refusal = _authorize_refusal(request, params)
    if refusal:
        return render(request, "local_cognito/authorize.html", {"refusal": refusal}, status=400)
    errors: dict[str, str] = {}
    email = name = ""
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        name = request.POST.get("name", "").strip()[:100]
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter a valid email address."
        if not errors:
            code = signing.dumps(
                {
                    "email": email,
                    "name": name,
                    "client_id": params["client_id"],
                    "redirect_uri": params["redirect_uri"],
                    "challenge": params["code_challenge"],
                    "nonce": params.get("nonce", ""),
                    "scope": params.get("scope", ""),
                    "once": secrets.token_urlsafe(8),
                },
                salt=CODE_SALT,
                compress=True,
            )
            answer = {"code": code, **({"state": params["state"]} if "state" in params else {})}
            separator = "&" if urlsplit(params["redirect_uri"]).query else "?"
            return HttpResponseRedirect(params["redirect_uri"] + separator + urlencode(answer))
    context = {
        "errors": errors,
        "email": email,
        "name": name,
        "pool": pool,
        "client_id": params["client_id"],
        "action": request.get_full_path(),
    }
    return render(request, "local_cognito/authorize.html", context, status=400 if errors else 200)


def _tokens(*, email: str, name: str, client_id: str, nonce: str = "", scope: str = "") -> dict:
    id_token = local_id_token(email=email, name=name, nonce=nonce)
    now = int(time.time())
    access = jwt.encode(
        {
            "iss": settings.COGNITO_ISSUER,
            "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, f"local-customer:{email.lower()}")),
            "client_id": client_id,
            "token_use": "access",
            "scope": scope or "openid email profile",
            "username": email,
            "auth_time": now,
            "iat": now,
            "exp": now + 3600,
        },
        _private_key(),
        algorithm="RS256",
        headers={"kid": _public_jwk()["kid"]},
    )
    return {
        "id_token": id_token,
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": 3600,
    }


@csrf_exempt  # a public client's token request (PKCE), as at Cognito
@require_POST
def oauth_token(request: HttpRequest, pool: str) -> JsonResponse:
    """Exchange an authorization code (with its PKCE verifier) or a refresh token for tokens."""
    grant = request.POST.get("grant_type", "")
    client_id = request.POST.get("client_id", "")
    if client_id != settings.COGNITO_AUDIENCE:
        return _oauth_error("invalid_client", "Unknown client_id.", status=401)
    if grant == "refresh_token":
        try:
            held = signing.loads(
                request.POST.get("refresh_token", ""),
                salt=REFRESH_SALT,
                max_age=timedelta(days=REFRESH_DAYS),
            )
        except signing.BadSignature:
            return _oauth_error("invalid_grant", "The refresh token is invalid or expired.")
        if held.get("client_id") != client_id:
            return _oauth_error("invalid_grant", "The refresh token is of another client.")
        # Like Cognito: new ID and access tokens, the same refresh token.
        return JsonResponse(_tokens(email=held["email"], name=held["name"], client_id=client_id))
    if grant != "authorization_code":
        return _oauth_error("unsupported_grant_type", "authorization_code or refresh_token.")
    try:
        code = signing.loads(request.POST.get("code", ""), salt=CODE_SALT, max_age=CODE_SECONDS)
    except signing.BadSignature:
        return _oauth_error("invalid_grant", "The code is invalid or expired.")
    verifier = request.POST.get("code_verifier", "")
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    if (
        code["client_id"] != client_id
        or code["redirect_uri"] != request.POST.get("redirect_uri", "")
        or not hmac.compare_digest(challenge, code["challenge"])
    ):
        return _oauth_error("invalid_grant", "The code does not match this request or verifier.")
    if not django_cache.add(f"local-cognito-code:{code['once']}", True, CODE_SECONDS):
        return _oauth_error("invalid_grant", "The code was used already.")
    tokens = _tokens(
        email=code["email"],
        name=code["name"],
        client_id=client_id,
        nonce=code["nonce"],
        scope=code["scope"],
    )
    tokens["refresh_token"] = signing.dumps(
        {"email": code["email"], "name": code["name"], "client_id": client_id},
        salt=REFRESH_SALT,
        compress=True,
    )
    return JsonResponse(tokens)


@require_GET
def logout(request: HttpRequest, pool: str) -> HttpResponse:
    """Sign out as Cognito's /logout does: back to the app's sign-out URL."""
    if request.GET.get("client_id") != settings.COGNITO_AUDIENCE:
        return _oauth_error("invalid_client", "Unknown client_id.")
    target = request.GET.get("logout_uri", "")
    if not _allowed_redirect(request, target):
        return _oauth_error("invalid_request", "logout_uri is not a sign-out URL of this client.")
    return HttpResponseRedirect(target)


@require_GET
def userinfo(request: HttpRequest, pool: str) -> JsonResponse:
    """The signed-in customer's claims for an access token, as Cognito's /oauth2/userInfo."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    try:
        claims = jwt.decode(
            token,
            _private_key().public_key(),
            algorithms=["RS256"],
            issuer=settings.COGNITO_ISSUER,
            options={"require": ["exp", "sub"]},
        )
    except jwt.PyJWTError:
        return _oauth_error("invalid_token", "A valid access token is needed.", status=401)
    if scheme != "Bearer" or claims.get("token_use") != "access":
        return _oauth_error("invalid_token", "A valid access token is needed.", status=401)
    return JsonResponse(
        {"sub": claims["sub"], "email": claims["username"], "email_verified": "true"}
    )
