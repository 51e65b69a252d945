"""Rotating SECRET_KEY breaks nothing by surprise: what the old key signed works once more."""

import uuid
from datetime import date

import pytest
from django.core import signing

from reports.delivery import SALT as REPORT_LINK_SALT
from reports.delivery import link_make
from reports.services import report_request
from tests.factories import ProductFactory
from tests.orders.bodies import order_body

pytestmark = pytest.mark.django_db

OLD, NEW = "old-key-" + "o" * 50, "new-key-" + "n" * 50


@pytest.fixture
def old_key(settings):
    settings.SECRET_KEY = OLD
    settings.SECRET_KEY_FALLBACKS = []
    return settings


def _rotate(settings, keep_old: bool) -> None:
    settings.SECRET_KEY = NEW
    settings.SECRET_KEY_FALLBACKS = [OLD] if keep_old else []


@pytest.mark.parametrize("keep_old", [True, False])
def test_report_links_survive_one_rotation(
    client, old_key, keep_old, django_capture_on_commit_callbacks
):
    old_key.SHOP_BASE_URL = "http://testserver"
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(
            kinds=["orders"],
            date_from=date(2026, 1, 1),
            date_to=date(2026, 1, 1),
            extra_recipients=["boss@example.com"],
        )
    link = link_make(file=report.files.get(), email="boss@example.com")
    link = link.removeprefix("http://testserver")

    _rotate(old_key, keep_old)

    assert client.get(link).status_code == (200 if keep_old else 403)


@pytest.mark.parametrize("keep_old", [True, False])
def test_staff_sessions_survive_one_rotation(client, admin_user, old_key, keep_old):
    client.force_login(admin_user)  # signed in under the old key
    assert client.get("/admin/").status_code == 200
    _rotate(old_key, keep_old)
    response = client.get("/admin/")
    if keep_old:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("keep_old", [True, False])
def test_guest_tokens_derived_from_an_idempotency_key_survive_one_rotation(
    api_client, old_key, keep_old
):
    product = ProductFactory(stock=5)
    key = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    body = order_body((product.pk, 1))
    first = api_client.post("/api/v1/orders/", body, format="json", **key).json()

    _rotate(old_key, keep_old)
    retry = api_client.post("/api/v1/orders/", body, format="json", **key)

    assert retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    # The token the retry gives back is the one issued first, or none at all: never another.
    assert retry.json()["access_token"] == (first["access_token"] if keep_old else None)
    # The token itself is stored as a plain hash: it reads the order whatever the key.
    read = api_client.get(
        f"/api/v1/orders/{first['reference']}/", HTTP_X_ORDER_TOKEN=first["access_token"]
    )
    assert read.status_code == 200


def test_each_use_of_the_secret_has_its_own_salt(old_key):
    from orders.tokens import SALT as TOKEN_SALT

    assert REPORT_LINK_SALT != TOKEN_SALT
    signed = signing.dumps({"f": 1, "e": "a@b.c"}, salt=TOKEN_SALT)
    with pytest.raises(signing.BadSignature):
        signing.loads(signed, salt=REPORT_LINK_SALT)
