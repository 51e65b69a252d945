"""Fixtures shared by every test package."""

import pytest
from rest_framework.test import APIClient


def pytest_collection_modifyitems(config, items):
    """Run PostgreSQL-only tests in the PostgreSQL pass, and say why they skip elsewhere."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs in the pass with DATABASE_URL set")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def moto_url():
    """moto's server on loopback: S3, SES and Cognito over real HTTP, never the internet."""
    import os

    from infra.smoke import moto_server

    fake = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    saved = {name: os.environ.get(name) for name in fake}
    os.environ.update(fake)
    with moto_server() as url:
        yield url
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Give every test an empty cache: throttle and email counts of one test are its own."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_token_validator():
    """Give every test a new validator, with no keys cached from another test."""
    from shop.cognito import _validator

    _validator.cache_clear()


@pytest.fixture(scope="session")
def _standin_issuer():
    from tests.cognito_standin import StandInIssuer

    issuer = StandInIssuer()
    yield issuer
    issuer.stop()


@pytest.fixture
def cognito(_standin_issuer, settings):
    """Point the API at the stand-in issuer; return it for signing tokens."""
    from tests.cognito_standin import AUDIENCE, POOL

    settings.COGNITO_AWS_REGION = "eu-north-1"
    settings.COGNITO_USER_POOL = POOL
    settings.COGNITO_AUDIENCE = AUDIENCE
    settings.COGNITO_ISSUER = ""
    settings.COGNITO_JWKS_URL = _standin_issuer.jwks_url
    _standin_issuer.downloads = 0
    _standin_issuer.available = True
    return _standin_issuer


@pytest.fixture
def customer_client(cognito):
    """Return a function making an API client signed in as a customer (by email)."""

    def make(email="ann@example.com", **claims) -> APIClient:
        import uuid

        client = APIClient()
        sub = str(uuid.uuid5(uuid.NAMESPACE_URL, email))
        token = cognito.token(email=email, sub=sub, **claims)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def s3_reports(moto_url, settings):
    """Put the reports storage in a fresh private bucket on moto's S3; return (client, bucket)."""
    import uuid

    import boto3

    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    bucket = f"reports-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "reports": {
            "BACKEND": "shop.storages.TimedS3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "location": "reports",
                "endpoint_url": moto_url,
                "region_name": "us-east-1",
                "addressing_style": "path",
                "querystring_auth": True,
                "querystring_expire": 300,
                "signature_version": "s3v4",
                "default_acl": None,
                "file_overwrite": True,
            },
        },
    }
    return s3, bucket


@pytest.fixture
def ses_outbox(moto_url, settings):
    """Send email through django-ses to moto's SES; return a function listing what it got."""
    from email import message_from_bytes

    import boto3
    from moto.ses.models import ses_backends

    ses = boto3.client("ses", endpoint_url=moto_url, region_name="us-east-1")
    ses.verify_email_identity(EmailAddress=settings.DEFAULT_FROM_EMAIL)
    settings.EMAIL_BACKEND = "shop.email.TimedSESBackend"
    settings.AWS_SES_REGION_NAME = "us-east-1"
    settings.AWS_SES_REGION_ENDPOINT_URL = moto_url
    backend = ses_backends["123456789012"]["us-east-1"]  # moto's default account
    already = len(backend.sent_messages)

    def received():
        return [message_from_bytes(m.raw_data.encode()) for m in backend.sent_messages[already:]]

    return received


@pytest.fixture(scope="session")
def _stripe_server():
    from tests.stripe_standin import StripeStandIn

    server = StripeStandIn()
    yield server
    server.stop()


@pytest.fixture
def stripe_api(_stripe_server, settings):
    """Point the shop at the stand-in Stripe (real HTTP through the stripe package)."""
    from tests.payments.events import WEBHOOK_SECRET

    _stripe_server.reset()
    settings.PAYMENTS_PROVIDER = "stripe"
    settings.STRIPE_API_BASE = _stripe_server.url
    settings.STRIPE_SECRET_KEY = "sk_test_standin"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return _stripe_server
