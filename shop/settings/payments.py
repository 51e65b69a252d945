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

# An unpaid order holds its stock this long after placement, then is cancelled.
SHOP_PAYMENT_WINDOW_MINUTES = env.int("SHOP_PAYMENT_WINDOW_MINUTES", default=30)
