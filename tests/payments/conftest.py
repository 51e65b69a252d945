import pytest

from tests.payments.events import WEBHOOK_SECRET


@pytest.fixture(scope="session")
def _stripe_server():
    from tests.stripe_standin import StripeStandIn

    server = StripeStandIn()
    yield server
    server.stop()


@pytest.fixture
def stripe_api(_stripe_server, settings):
    """Point the shop at the stand-in Stripe (real HTTP through the stripe package)."""
    _stripe_server.reset()
    settings.PAYMENTS_PROVIDER = "stripe"
    settings.STRIPE_API_BASE = _stripe_server.url
    settings.STRIPE_SECRET_KEY = "sk_test_standin"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return _stripe_server
