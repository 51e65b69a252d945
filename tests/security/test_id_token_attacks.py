"""Customer sign-in: which tokens are accepted, what every bad one gets, how keys are fetched."""

import base64
import hashlib
import hmac
import json
import threading
import time

import pytest
from cryptography.hazmat.primitives import serialization
from django.contrib.auth import get_user_model
from django.db import connection

from tests.cognito_standin import new_key

pytestmark = pytest.mark.django_db

User = get_user_model()
ME = "/api/v1/me/"


def _get(api_client, token, url=ME):
    return api_client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_valid_id_token_signs_the_customer_in(api_client, cognito):
    token = cognito.token(sub="sub-1", email="ann@example.com", given_name="Ann")

    response = _get(api_client, token)

    assert response.status_code == 200
    user = User.objects.get(cognito_sub="sub-1")
    assert response.json() == {
        "id": user.id,
        "email": "ann@example.com",
        "first_name": "Ann",
        "last_name": "Smith",
        "cognito_sub": "sub-1",
    }
    assert not user.has_usable_password() and not user.is_staff


def test_email_and_name_follow_the_token(api_client, cognito):
    _get(api_client, cognito.token(sub="sub-2", email="old@example.com"))
    response = _get(
        api_client, cognito.token(sub="sub-2", email="new@example.com", family_name="Berg")
    )
    assert response.json()["email"] == "new@example.com"
    assert User.objects.filter(cognito_sub="sub-2").count() == 1
    assert User.objects.get(cognito_sub="sub-2").last_name == "Berg"


def test_an_inactive_customer_is_refused(api_client, cognito):
    _get(api_client, cognito.token(sub="sub-3"))
    User.objects.filter(cognito_sub="sub-3").update(is_active=False)

    response = _get(api_client, cognito.token(sub="sub-3", email="changed@example.com"))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert User.objects.get(cognito_sub="sub-3").email == "ann@example.com"


def _unsigned(header: dict, claims: dict) -> str:
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}."


def _signed_raw(header: dict, claims: dict, key) -> str:
    """Sign with RS256 whatever header is given, even one PyJWT would refuse to write."""
    from jwt.algorithms import RSAAlgorithm

    signing_input = _unsigned(header, claims)[:-1]
    signature = RSAAlgorithm(RSAAlgorithm.SHA256).sign(signing_input.encode(), key)
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def _hs256_with_public_key(cognito) -> str:
    public_pem = cognito.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": cognito.kid}
    signing_input = _unsigned(header, cognito.claims())[:-1]
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


BAD_TOKENS = {
    "expired": lambda c: c.token(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200),
    "wrong audience": lambda c: c.token(aud="another-app-client"),
    "wrong issuer": lambda c: c.token(iss="https://cognito-idp.eu-north-1.amazonaws.com/other"),
    "access token": lambda c: c.token(token_use="access", aud=None, client_id="spa-client-id"),
    "access token with aud": lambda c: c.token(token_use="access"),
    "no token_use": lambda c: c.token(token_use=None),
    "no expiry": lambda c: c.token(exp=None),
    "alg none": lambda c: _unsigned({"alg": "none", "kid": c.kid}, c.claims()),
    "HS256 signed with the public key": _hs256_with_public_key,
    "unknown kid": lambda c: c.token(headers={"kid": "not-a-known-key"}),
    "no kid": lambda c: c.token(headers={}),
    "kid not a string": lambda c: _signed_raw({"alg": "RS256", "kid": 12}, c.claims(), c.key),
    "garbage": lambda c: "not-a-jwt",
    "three dots of garbage": lambda c: "a.b.c",
    "signed by another key": lambda c: c.token(key=new_key()),
    "tampered claims": lambda c: ".".join(
        [
            c.token().split(".")[0],
            _unsigned({}, c.claims(sub="someone-else")).split(".")[1],
            c.token().split(".")[2],
        ]
    ),
}


@pytest.mark.parametrize("case", list(BAD_TOKENS))
def test_every_bad_token_is_a_401_envelope_and_writes_nothing(api_client, cognito, case):
    users = User.objects.count()
    token = BAD_TOKENS[case](cognito)

    for url in (ME, "/api/v1/cart/", "/api/v1/orders/", "/api/v1/products/"):
        response = _get(api_client, token, url)
        assert response.status_code == 401, (case, url, response.content)
        assert response.json()["error"]["code"] == "authentication_failed"
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'

    assert User.objects.count() == users


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer \u00e9t\u00e9"])
def test_malformed_authorization_headers_are_401(api_client, cognito, header):
    response = api_client.get(ME, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_no_credentials_is_a_401_for_customer_endpoints(api_client):
    for url in (ME, "/api/v1/cart/", "/api/v1/orders/"):
        response = api_client.get(url)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


def test_many_requests_download_the_keys_once(api_client, cognito):
    tokens = [cognito.token(sub=f"sub-{n % 3}") for n in range(25)]
    for token in tokens:
        assert _get(api_client, token).status_code == 200
    assert cognito.downloads == 1


def test_unknown_kids_refresh_the_keys_at_most_once_per_interval(api_client, cognito, settings):
    settings.COGNITO_JWKS_MIN_REFRESH_SECONDS = 300
    assert _get(api_client, cognito.token()).status_code == 200
    for n in range(10):
        bad = cognito.token(headers={"kid": f"unknown-{n}"})
        assert _get(api_client, bad).status_code == 401
    assert cognito.downloads == 1  # the first download only: refreshes are rate-limited


def test_a_rotated_key_is_picked_up_after_the_refresh_interval(api_client, cognito, settings):
    settings.COGNITO_JWKS_MIN_REFRESH_SECONDS = 0.2
    assert _get(api_client, cognito.token()).status_code == 200
    original = cognito.key, cognito.kid
    cognito.key, cognito.kid = new_key(), "test-key-2"
    try:
        time.sleep(0.3)
        assert _get(api_client, cognito.token()).status_code == 200
        assert cognito.downloads == 2
    finally:
        cognito.key, cognito.kid = original


def test_keys_unreachable_is_a_401_then_recovers_after_the_back_off(api_client, cognito):
    from shop.cognito import token_validator

    cognito.available = False
    assert _get(api_client, cognito.token()).status_code == 401
    assert _get(api_client, cognito.token()).status_code == 401
    cognito.available = True
    assert cognito.downloads == 0
    token_validator()._next_refresh = 0  # the 10 s back-off has passed
    assert _get(api_client, cognito.token()).status_code == 200


def test_downloads_have_timeouts(cognito):
    from shop.cognito import token_validator

    connect, read = token_validator().timeout
    assert 0 < connect <= 5 and 0 < read <= 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_requests_make_one_customer():
    claims = {"sub": "sub-race", "email": "race@example.com", "given_name": "Race"}
    barrier = threading.Barrier(8)
    made, errors = [], []

    def first_request():
        try:
            barrier.wait()
            made.append(User.objects.get_or_create_for_cognito(claims).pk)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(made)) == 1
    assert User.objects.filter(cognito_sub="sub-race").count() == 1


def test_a_remembered_token_is_refused_once_it_expires(cognito):
    from django_cognito_jwt.validator import TokenError

    from shop.cognito import CognitoTokenValidator

    validator = CognitoTokenValidator(
        region="eu-north-1",
        user_pool="eu-north-1_TestPool",
        audience="spa-client-id",
        issuer=cognito.issuer_url,
        jwks_url=cognito.jwks_url,
        leeway_seconds=0,
    )
    # At least a whole second ahead: int() truncates, so "+ 1" could leave a tenth of one.
    expires = int(time.time()) + 2
    token = cognito.token(exp=expires)
    assert validator.validate(token)["sub"]
    assert validator.validate(token)["sub"]  # remembered
    time.sleep(expires - time.time() + 0.2)
    with pytest.raises(TokenError):
        validator.validate(token)


def test_keys_held_still_serve_while_downloads_back_off(api_client, cognito, settings):
    settings.COGNITO_JWKS_MIN_REFRESH_SECONDS = 0  # any unknown kid may ask for a download
    assert _get(api_client, cognito.token()).status_code == 200
    cognito.available = False
    assert _get(api_client, cognito.token(headers={"kid": "unknown"})).status_code == 401
    # The failed download started the back-off; the key already held still signs customers in.
    assert _get(api_client, cognito.token()).status_code == 200
    assert cognito.downloads == 1
