"""Customer sign-in: which Cognito ID tokens the API accepts."""

from shop.settings.environment import PRODUCTION, VAR_DIR, env, required
from shop.settings.shop import LOCAL_BASE_URL

if PRODUCTION:
    for _name in ("COGNITO_AWS_REGION", "COGNITO_USER_POOL", "COGNITO_AUDIENCE"):
        required(_name)

# Locally a stand-in issuer (shop.local_cognito) signs tokens; the API checks them with the
# production code. Production always uses the real user pool.
COGNITO_LOCAL_ISSUER = not PRODUCTION and env.bool("COGNITO_LOCAL_ISSUER", default=True)
COGNITO_LOCAL_KEY_FILE = VAR_DIR / "local-cognito" / "key.pem"
COGNITO_AWS_REGION = env.str("COGNITO_AWS_REGION", default="local")
COGNITO_USER_POOL = env.str("COGNITO_USER_POOL", default="local-pool")
COGNITO_AUDIENCE = env.str("COGNITO_AUDIENCE", default="local-spa-client")
COGNITO_ISSUER = env.str(
    "COGNITO_ISSUER",
    default=f"{LOCAL_BASE_URL}/local-cognito/{COGNITO_USER_POOL}" if COGNITO_LOCAL_ISSUER else "",
)
COGNITO_JWKS_URL = env.str("COGNITO_JWKS_URL", default="")
COGNITO_JWKS_MIN_REFRESH_SECONDS = env.float("COGNITO_JWKS_MIN_REFRESH_SECONDS", default=300.0)
# How long a downloaded key set is used before it is downloaded again (PyJWKClient's lifespan).
COGNITO_JWKS_LIFESPAN_SECONDS = env.float("COGNITO_JWKS_LIFESPAN_SECONDS", default=3600.0)
# Orders of a signed-in customer email the account's address; with this on (where the pool
# verifies emails, as Cognito does by default), a token whose email_verified is not true
# cannot place orders (403 email_not_verified).
COGNITO_REQUIRE_VERIFIED_EMAIL = env.bool("COGNITO_REQUIRE_VERIFIED_EMAIL", default=True)
