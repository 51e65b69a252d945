"""The local Cognito stand-in: its tokens pass the production validation, over real HTTP."""

import pytest
from django.core.management import CommandError, call_command

from shop import local_cognito

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def local_issuer(live_server, settings, tmp_path):
    settings.COGNITO_LOCAL_KEY_FILE = tmp_path / "key.pem"
    settings.COGNITO_AWS_REGION = "local"
    settings.COGNITO_USER_POOL = "local-pool"
    settings.COGNITO_AUDIENCE = "local-spa-client"
    settings.COGNITO_ISSUER = f"{live_server.url}/local-cognito/local-pool"
    settings.COGNITO_JWKS_URL = ""  # derived from the issuer, as for a real pool
    local_cognito._private_key.cache_clear()
    yield live_server
    local_cognito._private_key.cache_clear()


def test_sign_in_locally_and_call_the_api(api_client, local_issuer, settings):
    issued = api_client.post(
        "/local-cognito/local-pool/token", {"email": "dev@example.com", "name": "Dev Eloper"}
    )
    assert issued.status_code == 200
    token = issued.json()["id_token"]

    me = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert me.status_code == 200, me.content
    assert (me.json()["email"], me.json()["first_name"]) == ("dev@example.com", "Dev")
    assert settings.COGNITO_LOCAL_KEY_FILE.stat().st_mode & 0o077 == 0  # private to its owner


def test_the_same_email_is_the_same_customer(api_client, local_issuer):
    subs = set()
    for _ in range(2):
        token = api_client.post(
            "/local-cognito/local-pool/token", {"email": "same@example.com"}, format="json"
        ).json()["id_token"]
        subs.add(
            api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}").json()[
                "cognito_sub"
            ]
        )
    assert len(subs) == 1


def test_a_bad_email_is_a_400_envelope(api_client, local_issuer):
    response = api_client.post("/local-cognito/local-pool/token", {"email": "nope"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_the_command_prints_a_working_token(api_client, local_issuer, capsys):
    call_command("local_id_token", "--email", "cli@example.com")
    token = capsys.readouterr().out.strip()
    me = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200 and me.json()["email"] == "cli@example.com"


def test_the_command_refuses_when_the_stand_in_is_off(settings):
    settings.COGNITO_LOCAL_ISSUER = False
    with pytest.raises(CommandError):
        call_command("local_id_token")
