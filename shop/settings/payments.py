"""Payments: the provider (Stripe in production), its secrets, the payment window."""

from shop.settings.environment import PRODUCTION, env, required

# "stripe" talks to Stripe; "local" makes intents itself and signs its own events (no
# account needed), for local runs and tests. Production always uses Stripe.
PAYMENTS_PROVIDER = "stripe" if PRODUCTION else env.str("PAYMENTS_PROVIDER", default="local")
if PRODUCTION:
    STRIPE_SECRET_KEY = required("STRIPE_SECRET_KEY")
    STRIPE_WEBHOOK_SECRET = required("STRIPE_WEBHOOK_SECRET")
else:
    STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="sk_test_local")
    STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="whsec_local_only")
# Stripe.js needs it in the browser; it is public by design.
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
# Another API address (tests point it at a stand-in Stripe on loopback); empty: Stripe's.
STRIPE_API_BASE = "" if PRODUCTION else env.str("STRIPE_API_BASE", default="")
# Each call to Stripe gives up after this many seconds without an answer, and is tried
# again this many times (with Stripe's idempotency key, so never done twice): a payment
# start answers within about (1 + retries) x timeout even when Stripe does not.
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=8)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=1)

# An unpaid order holds its stock this long after placement, then is cancelled.
SHOP_PAYMENT_WINDOW_MINUTES = env.int("SHOP_PAYMENT_WINDOW_MINUTES", default=30)
# Refunds and intent cancellations the provider did not take are sent again by the sweep
# (payments.schedules.settle_payments), waiting 1, 2, 4 ... minutes between tries (at most
# SHOP_PROVIDER_RETRY_MAX_MINUTES), until this many tries: then the refund is marked refused
# for an employee to settle by hand. Every try falls within Stripe's 24 h idempotency window.
SHOP_PROVIDER_MAX_ATTEMPTS = env.int("SHOP_PROVIDER_MAX_ATTEMPTS", default=10)
SHOP_PROVIDER_RETRY_MAX_MINUTES = env.int("SHOP_PROVIDER_RETRY_MAX_MINUTES", default=120)
