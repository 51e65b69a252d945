"""Employees' sign-in to the admin: lockout after failed passwords (django-axes) and a second
factor (django-otp, shop.second_factor)."""

from datetime import timedelta

from shop.settings.base import INSTALLED_APPS, MIDDLEWARE
from shop.settings.environment import PRODUCTION, env

INSTALLED_APPS += [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
# After authentication: request.user.is_verified() (django-otp), then the rule that staff
# need it (shop.second_factor).
_after = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE[_after:_after] = [
    "django_otp.middleware.OTPMiddleware",
    "shop.second_factor.SecondFactorMiddleware",
]
# Last: it turns a locked-out sign-in into the lockout page.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = [
    # First: it refuses a locked-out username or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# After this many failed sign-ins a username is locked out, and so is the client address
# (each counted on its own: many usernames from one address, or one username from many).
AXES_FAILURE_LIMIT = env.int("SHOP_SIGNIN_FAILURE_LIMIT", default=10)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The lockout ends by itself after this; a superuser lifts it sooner (admin or axes_reset).
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SHOP_SIGNIN_COOLOFF_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True
# REMOTE_ADDR as shop.clientip set it (SHOP_TRUSTED_PROXY_HOPS), never a raw X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "shop.clientip.request_address"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Records in the database (Lambda keeps nothing between requests): attempts, successful
# sign-ins and failed ones, for the sign-in audit in the admin.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The audit is kept this long, then purged by shop.schedules.purge_signin_audit.
SHOP_SIGNIN_AUDIT_DAYS = env.int("SHOP_SIGNIN_AUDIT_DAYS", default=90)

# Staff need a second factor (an authenticator app, or a recovery code) for the admin and the
# staff API: always in production, off by default in local runs (ensure_local_admin says so).
SHOP_ADMIN_REQUIRE_2FA = True if PRODUCTION else env.bool("SHOP_ADMIN_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = env.str("SHOP_NAME", default="The Shop")

# Password reset by email (shop.password_reset): requests per client address and per email
# address an hour; the link works this long.
SHOP_PASSWORD_RESETS_PER_HOUR = env.int("SHOP_PASSWORD_RESETS_PER_HOUR", default=3)
PASSWORD_RESET_TIMEOUT = env.int("SHOP_PASSWORD_RESET_HOURS", default=2) * 3600
# An admin session ends after this long without a request (each request renews it).
SESSION_COOKIE_AGE = env.int("SHOP_ADMIN_IDLE_MINUTES", default=60) * 60
SESSION_SAVE_EVERY_REQUEST = True
