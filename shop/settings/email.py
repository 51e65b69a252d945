"""Email: the console locally, Amazon SES (django-ses) as soon as a region is named."""

from shop.settings.environment import env

# Amazon SES (django-ses) as soon as a region is named; the console locally.
# Only defined when given: django-ses builds its endpoint from them, and an empty region
# would make "email..amazonaws.com".
if env.str("AWS_SES_REGION_NAME", default=""):
    AWS_SES_REGION_NAME = env.str("AWS_SES_REGION_NAME")
if env.str("AWS_SES_REGION_ENDPOINT_URL", default=""):
    AWS_SES_REGION_ENDPOINT_URL = env.str("AWS_SES_REGION_ENDPOINT_URL")
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="shop.email.TimedSESBackend"
    if env.str("AWS_SES_REGION_NAME", default="")
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="shop@example.com")

# The outbox (shop.outbox): an email that could not be sent is tried again by the sweep
# after 1, 2, 4 ... minutes (at most SHOP_EMAIL_RETRY_MAX_MINUTES), until this many tries:
# then it is marked failed for an employee to send again from the admin.
SHOP_EMAIL_MAX_ATTEMPTS = env.int("SHOP_EMAIL_MAX_ATTEMPTS", default=10)
SHOP_EMAIL_RETRY_MAX_MINUTES = env.int("SHOP_EMAIL_RETRY_MAX_MINUTES", default=60)
# A sender that has not finished within this long died (Lambda's 10-minute timeout).
SHOP_EMAIL_CLAIM_MINUTES = env.int("SHOP_EMAIL_CLAIM_MINUTES", default=15)
# Sent emails (their text holds names and addresses) are deleted after this many days.
SHOP_EMAIL_RETENTION_DAYS = env.int("SHOP_EMAIL_RETENTION_DAYS", default=90)
