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
    default="django_ses.SESBackend"
    if env.str("AWS_SES_REGION_NAME", default="")
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="shop@example.com")
