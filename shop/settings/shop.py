"""The shop's own settings: money, stock, limits, throttles, report delivery."""

import os
from pathlib import Path

from shop.money import money_round
from shop.settings.email import DEFAULT_FROM_EMAIL
from shop.settings.environment import BASE_DIR, PRODUCTION, env

SHOP_NAME = env.str("SHOP_NAME", default="The Shop")
SHOP_CURRENCY = env.str("SHOP_CURRENCY", default="EUR")
SHOP_LOW_STOCK_THRESHOLD = env.int("SHOP_LOW_STOCK_THRESHOLD", default=5)
# False: the public API says in_stock / low_stock but not how many (competitors watch counts).
SHOP_PUBLIC_STOCK_COUNTS = env.bool("SHOP_PUBLIC_STOCK_COUNTS", default=True)
# Lambda refuses request bodies over 6 MB; stay well below once encoded.
SHOP_MAX_IMAGE_BYTES = env.int("SHOP_MAX_IMAGE_BYTES", default=4 * 1024 * 1024)
SHOP_THUMBNAIL_SIZE = env.int("SHOP_THUMBNAIL_SIZE", default=320)
# Pixels (width x height) an uploaded image may have: decoding takes 3-4 bytes a pixel, and
# the function has 512 MB (dev) to 1024 MB. 24 million: a 6000 x 4000 photo, ~100 MB decoded.
SHOP_MAX_IMAGE_PIXELS = env.int("SHOP_MAX_IMAGE_PIXELS", default=24_000_000)
SHOP_SHIPPING_FEE = money_round(env.str("SHOP_SHIPPING_FEE", default="0.00"))
SHOP_MAX_QUANTITY = env.int("SHOP_MAX_QUANTITY", default=99)
SHOP_MAX_ORDER_LINES = env.int("SHOP_MAX_ORDER_LINES", default=50)
SHOP_MAX_ADDRESSES = env.int("SHOP_MAX_ADDRESSES", default=20)
# At most this many units in one guest order: the payment window is not the only defence
# against draining the stock with unpaid orders.
SHOP_MAX_GUEST_ORDER_UNITS = env.int("SHOP_MAX_GUEST_ORDER_UNITS", default=20)
# How many trailing X-Forwarded-For entries our own proxies write on Lambda (shop.clientip):
# 1 for an edge-optimized API Gateway, 0 regional, 2 with CloudFront in front of edge.
SHOP_TRUSTED_PROXY_HOPS = env.int("SHOP_TRUSTED_PROXY_HOPS", default=1)
# Signed-in customers' orders are bigger, but bounded too (anyone can sign up to the pool).
SHOP_MAX_CUSTOMER_ORDER_UNITS = env.int("SHOP_MAX_CUSTOMER_ORDER_UNITS", default=60)
# Units one client (guest address or its IPv6 /64, account, email) may hold with unpaid
# orders together (orders.holds), and how soon a guest order whose payment never started
# lets its stock go (the expiry job, every 5 minutes, releases it).
SHOP_MAX_UNPAID_UNITS_PER_CLIENT = env.int("SHOP_MAX_UNPAID_UNITS_PER_CLIENT", default=40)
SHOP_UNSTARTED_PAYMENT_MINUTES = env.int("SHOP_UNSTARTED_PAYMENT_MINUTES", default=10)
# Guests placing orders, per client address (also cancelling); customers, per account.
SHOP_ORDER_THROTTLE_ANON = env.str("SHOP_ORDER_THROTTLE_ANON", default="30/min")
SHOP_ORDER_THROTTLE_USER = env.str("SHOP_ORDER_THROTTLE_USER", default="10/min")
# Starting payments (each may call Stripe), per account and per guest address.
SHOP_PAYMENT_THROTTLE = env.str("SHOP_PAYMENT_THROTTLE", default="20/min")
# Order emails about placing and cancelling (the ones a stranger can trigger) sent to one
# address in an hour; the rest are logged and not sent. The order itself is never refused.
SHOP_MAX_EMAILS_PER_RECIPIENT_HOUR = env.int("SHOP_MAX_EMAILS_PER_RECIPIENT_HOUR", default=5)
# How long the signed link in order emails opens the order (in place of X-Order-Token).
SHOP_ORDER_LINK_DAYS = env.int("SHOP_ORDER_LINK_DAYS", default=90)

# Throttling counts live here. Per process by default; point CACHE_URL at a shared cache
# (e.g. dbcache://django_cache after `manage.py createcachetable`) in production.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

LOCAL_BASE_URL = env.str("LOCAL_BASE_URL", default="http://127.0.0.1:8000")
# The customers' storefront (the SPA), for the admin's "View site" link; empty hides it.
SHOP_STOREFRONT_URL = env.str("SHOP_STOREFRONT_URL", default="")

# Catalog import (admin: Products > Import). Lambda takes request bodies of 6 MB at most;
# an XLSX file is a zip, refused when it would unpack to more than the second limit.
SHOP_IMPORT_MAX_BYTES = env.int("SHOP_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
SHOP_IMPORT_MAX_UNPACKED_BYTES = env.int("SHOP_IMPORT_MAX_UNPACKED_BYTES", default=50 * 2**20)
SHOP_IMPORT_MAX_ROWS = env.int("SHOP_IMPORT_MAX_ROWS", default=10_000)
# django-import-export: a file waits for its confirmation in the private "import_export"
# storage (S3 in production: the next request may reach another Lambda); exported cells
# that a spreadsheet would run as formulas (=, +, -, @) are written as text.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# Reports
# Where links in emails point: the app itself (API Gateway or custom domain in production).
SHOP_BASE_URL = env.str("SHOP_BASE_URL", default=LOCAL_BASE_URL if not PRODUCTION else "")
SHOP_REPORT_LINK_DAYS = env.float("SHOP_REPORT_LINK_DAYS", default=7.0)
SHOP_REPORT_ORDER_ROWS = env.int("SHOP_REPORT_ORDER_ROWS", default=1000)
SHOP_REPORT_MAX_DAYS = env.int("SHOP_REPORT_MAX_DAYS", default=366)
SHOP_REPORT_TIMEOUT_MINUTES = env.int("SHOP_REPORT_TIMEOUT_MINUTES", default=15)
# A report still running after the timeout died with its Lambda: the sweep
# (reports.schedules.rerun_stuck_reports) queues it again, up to this many runs in all.
SHOP_REPORT_MAX_ATTEMPTS = env.int("SHOP_REPORT_MAX_ATTEMPTS", default=3)
SHOP_REPORT_RETENTION_DAYS = env.int("SHOP_REPORT_RETENTION_DAYS", default=90)
# Domains extra report recipients may be at (comma-separated). Unset: the shop's own, the
# domain of DEFAULT_FROM_EMAIL. Set but empty: any address at all - customer data then goes
# wherever an employee types.
# os.environ, not env: django-environ reads an empty value as unset.
_domains = os.environ.get("SHOP_REPORT_RECIPIENT_DOMAINS")
SHOP_REPORT_RECIPIENT_DOMAINS = (
    [d.strip().lower() for d in _domains.split(",") if d.strip()]
    if _domains is not None
    else [DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].lower()]
)

# The storefront SPA (storefront/): locally Django serves its build at / (make run builds it
# when Node is there); production serves it from S3 through CloudFront, never from Django.
SHOP_STOREFRONT_DIST = Path(
    env.str("SHOP_STOREFRONT_DIST", default=str(BASE_DIR / "storefront" / "dist"))
)
SHOP_LOCALE = env.str("SHOP_LOCALE", default="en-GB")

# The dead-letter queue of failed asynchronous invocations on Lambda (infra/shop.yaml's
# FailedTasksQueue), read by `manage.py replay_failed_tasks`.
SHOP_FAILED_TASKS_QUEUE_URL = env.str("SHOP_FAILED_TASKS_QUEUE_URL", default="")
# Another SQS address (tests: moto's server on loopback); empty: AWS's own.
AWS_SQS_ENDPOINT_URL = env.str("AWS_SQS_ENDPOINT_URL", default="") or None

# /readyz fails when the oldest email still unsent has waited longer than this (SES down,
# the sweep not running).
SHOP_READY_OUTBOX_MAX_AGE_MINUTES = env.int("SHOP_READY_OUTBOX_MAX_AGE_MINUTES", default=30)
