"""The local stand-in for Cognito's Hosted UI: authorization code with PKCE, as a browser does it.

Discovery, the sign-in page, the code exchange that checks the verifier, refresh, sign-out,
CORS for the storefront's origin; none of it mounted in production.
"""

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from shop import local_cognito
from tests.shop.settings_process import PRODUCTION, run_code

pytestmark = pytest.mark.django_db(transaction=True)

STOREFRONT = "http://127.0.0.1:5173"
CALLBACK = f"{STOREFRONT}/signed-in"
POOL = "/local-cognito/local-pool"


@pytest.fixture
def hosted_ui(live_server, settings, tmp_path):
    settings.COGNITO_LOCAL_KEY_FILE = tmp_path / "key.pem"
    settings.COGNITO_USER_POOL = "local-pool"
    settings.COGNITO_AUDIENCE = "local-spa-client"
    settings.COGNITO_ISSUER = f"{live_server.url}{POOL}"
    settings.COGNITO_JWKS_URL = ""
    settings.CORS_ALLOWED_ORIGINS = [STOREFRONT]
    local_cognito._private_key.cache_clear()
    yield live_server
    local_cognito._private_key.cache_clear()


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _authorize_query(challenge: str, **changes) -> str:
    params = {
        "response_type": "code",
        "client_id": "local-spa-client",
        "redirect_uri": CALLBACK,
        "scope": "openid email profile",
        "state": "st-42",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **changes,
    }
    return urlencode({k: v for k, v in params.items() if v is not None})


def _sign_in(browser: Client, challenge: str, email="ann@example.com", name="Ann Smith") -> dict:
    url = f"{POOL}/oauth2/authorize?{_authorize_query(challenge)}"
    page = browser.get(url)
    assert page.status_code == 200
    assert 'autocomplete="email"' in page.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    answer = browser.post(
        url, {"email": email, "name": name, "csrfmiddlewaretoken": token.group(1) if token else ""}
    )
    assert answer.status_code == 302
    location = urlsplit(answer["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def _exchange(client: Client, code: str, verifier: str, **changes):
    fields = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "client_id": "local-spa-client",
        "code_verifier": verifier,
        **changes,
    }
    return client.post(
        f"{POOL}/oauth2/token",
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
        HTTP_ORIGIN=STOREFRONT,
    )


def test_discovery_names_the_hosted_ui_endpoints_like_cognito(hosted_ui, client):
    config = client.get(f"{POOL}/.well-known/openid-configuration").json()
    assert config["issuer"] == f"{hosted_ui.url}{POOL}"
    assert config["authorization_endpoint"].endswith(f"{POOL}/oauth2/authorize")
    assert config["token_endpoint"].endswith(f"{POOL}/oauth2/token")
    assert config["jwks_uri"].endswith(f"{POOL}/.well-known/jwks.json")
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert "end_session_endpoint" not in config  # Cognito signs out at <domain>/logout


def test_a_browser_signs_in_with_a_code_and_its_verifier_and_calls_the_api(hosted_ui):
    verifier, challenge = _pkce()
    callback = _sign_in(Client(enforce_csrf_checks=True), challenge)
    assert callback["state"] == "st-42"

    wrong = _exchange(Client(), callback["code"], "not-" + verifier)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    tokens = _exchange(Client(), callback["code"], verifier)
    assert tokens.status_code == 200, tokens.content
    assert tokens["Access-Control-Allow-Origin"] == STOREFRONT
    # Spelled as browsers and other servers spell it, for clients that compare names as written.
    assert "Access-Control-Allow-Origin" in dict(tokens.headers.items())
    body = tokens.json()
    assert {"id_token", "access_token", "refresh_token"} <= set(body)

    me = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {body['id_token']}")
    assert me.status_code == 200, me.content
    assert (me.json()["email"], me.json()["first_name"]) == ("ann@example.com", "Ann")
    info = Client().get(
        f"{POOL}/oauth2/userInfo", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}"
    )
    assert info.json()["email"] == "ann@example.com"
    # A code is good once.
    again = _exchange(Client(), callback["code"], verifier)
    assert again.status_code == 400 and "used already" in again.json()["error_description"]


def test_a_code_is_refused_for_another_callback_or_client(hosted_ui):
    verifier, challenge = _pkce()
    code = _sign_in(Client(), challenge)["code"]
    assert _exchange(Client(), code, verifier, redirect_uri=f"{STOREFRONT}/else").status_code == 400
    assert _exchange(Client(), code, verifier, client_id="other").status_code == 401
    assert _exchange(Client(), "forged", verifier).status_code == 400


def test_a_refresh_token_gives_new_tokens_and_a_bad_one_nothing(hosted_ui):
    verifier, challenge = _pkce()
    tokens = _exchange(Client(), _sign_in(Client(), challenge)["code"], verifier).json()
    fields = {"grant_type": "refresh_token", "client_id": "local-spa-client"}
    fresh = Client().post(
        f"{POOL}/oauth2/token",
        {**fields, "refresh_token": tokens["refresh_token"]},
    )
    assert fresh.status_code == 200
    assert "refresh_token" not in fresh.json()  # Cognito keeps the one it gave
    me = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {fresh.json()['id_token']}")
    assert me.status_code == 200
    bad = Client().post(
        f"{POOL}/oauth2/token", {**fields, "refresh_token": "x" + tokens["refresh_token"]}
    )
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "changes,reason",
    [
        ({"code_challenge": None}, "PKCE is required"),
        ({"code_challenge_method": "plain"}, "PKCE is required"),
        ({"redirect_uri": "https://evil.example/steal"}, "not a callback URL"),
        ({"client_id": "someone-else"}, "Unknown client_id"),
        ({"response_type": "token"}, "response_type=code"),
        ({"scope": "email"}, "openid"),
    ],
)
def test_the_sign_in_page_refuses_a_request_cognito_would_refuse(hosted_ui, changes, reason):
    _, challenge = _pkce()
    page = Client().get(f"{POOL}/oauth2/authorize?{_authorize_query(challenge, **changes)}")
    assert page.status_code == 400
    assert reason in page.content.decode()
    assert "<form" not in page.content.decode()


def test_a_bad_email_shows_the_page_again_with_its_error(hosted_ui):
    _, challenge = _pkce()
    url = f"{POOL}/oauth2/authorize?{_authorize_query(challenge)}"
    page = Client().post(url, {"email": "not-an-email", "name": "Ann"})
    assert page.status_code == 400
    assert re.search(r'aria-invalid="true"', page.content.decode())


def test_sign_out_goes_back_to_the_storefront_only(hosted_ui):
    fields = {"client_id": "local-spa-client", "logout_uri": f"{STOREFRONT}/"}
    out = Client().get(f"{POOL}/logout?{urlencode(fields)}")
    assert out.status_code == 302 and out["Location"] == f"{STOREFRONT}/"
    elsewhere = Client().get(
        f"{POOL}/logout?{urlencode({**fields, 'logout_uri': 'https://evil.example/'})}"
    )
    assert elsewhere.status_code == 400


@pytest.mark.parametrize("path", [f"{POOL}/oauth2/token", "/local-payments/pi_local_x/pay"])
def test_the_stand_ins_answer_the_storefronts_preflight(hosted_ui, path):
    preflight = Client().options(
        path,
        HTTP_ORIGIN=STOREFRONT,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert preflight["Access-Control-Allow-Origin"] == STOREFRONT
    other = Client().options(
        path, HTTP_ORIGIN="https://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert "Access-Control-Allow-Origin" not in other


def test_production_mounts_none_of_the_hosted_ui():
    paths = [
        f"{POOL}/.well-known/openid-configuration",
        f"{POOL}/oauth2/authorize",
        f"{POOL}/oauth2/token",
        f"{POOL}/oauth2/userInfo",
        f"{POOL}/logout",
        f"{POOL}/token",
    ]
    probe = run_code(
        "import django; django.setup(); from django.urls import resolve, Resolver404\n"
        f"for path in {paths!r}:\n"
        "    try:\n        resolve(path); print('mounted', path)\n"
        "    except Resolver404:\n        print('absent')",
        **PRODUCTION,
        COGNITO_LOCAL_ISSUER="true",
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == ["absent"] * len(paths)
