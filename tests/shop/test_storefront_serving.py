"""Local runs serve the storefront's build at / and its configuration; production never does."""

import json
import shutil
import subprocess

import pytest
from django.core.management import call_command

from tests.shop.settings_process import PRODUCTION, ROOT, run_code


@pytest.fixture
def build(tmp_path, settings):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(
        '<!doctype html><div id="root"></div>'
        '<script type="module" src="/assets/index-abc.js"></script>'
    )
    (dist / "assets" / "index-abc.js").write_text("console.log('shop')")
    (dist / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("not for the web")
    settings.SHOP_STOREFRONT_DIST = dist
    return dist


@pytest.mark.parametrize("path", ["/", "/products/kenya-aa", "/orders/ABCDE-FGHJK", "/account"])
def test_every_storefront_route_answers_with_its_page(client, build, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b'type="module"' in b"".join(response.streaming_content)
    assert response["Cache-Control"] == "no-cache"


def test_hashed_assets_are_cached_for_a_year_and_typed(client, build):
    script = client.get("/assets/index-abc.js")
    assert script.status_code == 200
    assert "javascript" in script["Content-Type"]
    assert script["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/favicon.svg")["Content-Type"] == "image/svg+xml"
    assert client.get("/assets/missing.js").status_code == 404


def test_nothing_outside_the_build_is_served(client, build):
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt"):
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"not for the web" not in body


@pytest.mark.django_db
def test_the_api_admin_and_stand_ins_keep_their_own_answers(client, build):
    assert client.get("/api/v1/nothing/").json()["error"]["code"] == "not_found"
    assert client.get("/admin/").status_code == 302
    assert client.get("/healthz").status_code in (200, 503)


def test_without_a_build_the_page_says_how_to_get_one(client, settings, tmp_path):
    settings.SHOP_STOREFRONT_DIST = tmp_path / "none"
    page = client.get("/")
    assert page.status_code == 200 and b"Node.js 20" in page.content


def test_the_configuration_names_the_api_sign_in_and_payments(client, settings):
    settings.COGNITO_ISSUER = "http://127.0.0.1:8000/local-cognito/local-pool"
    config = client.get("/config.json")
    assert config["Cache-Control"] == "no-store"
    body = config.json()
    assert body["apiBaseUrl"] == "http://testserver"
    assert body["auth"] == {
        "authority": settings.COGNITO_ISSUER,
        "clientId": settings.COGNITO_AUDIENCE,
        "domain": settings.COGNITO_ISSUER,
    }
    assert body["payments"]["provider"] == "local"
    assert body["currency"] == settings.SHOP_CURRENCY


def test_production_serves_no_storefront_from_the_function():
    probe = run_code(
        "import django; django.setup(); from django.urls import resolve, Resolver404\n"
        "for path in ['/config.json', '/', '/products/x']:\n"
        "    try:\n        resolve(path); print('mounted', path)\n"
        "    except Resolver404:\n        print('absent')",
        **PRODUCTION,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == ["absent"] * 3


TYPES = ROOT / "storefront" / "src" / "api" / "schema.d.ts"
GENERATOR = ROOT / "storefront" / "node_modules" / ".bin" / "openapi-typescript"


@pytest.mark.skipif(
    not GENERATOR.exists() or not shutil.which("node"),
    reason="needs Node.js and the storefront's packages (make test installs them)",
)
def test_the_storefronts_api_types_are_the_live_schemas(tmp_path):
    schema = tmp_path / "openapi.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(schema))
    assert json.loads(schema.read_text())["paths"]
    generated = tmp_path / "schema.d.ts"
    subprocess.run(
        [str(GENERATOR), str(schema), "-o", str(generated)],
        check=True,
        capture_output=True,
        cwd=ROOT / "storefront",
    )
    assert generated.read_text() == TYPES.read_text(), (
        "storefront/src/api/schema.d.ts is not the API's schema: run `make storefront-types`"
    )
