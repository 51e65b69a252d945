"""Settings for benchmarks: the real settings, production-like (no DEBUG), plus baseline views."""

import os

from shop.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# The storefront's benchmark serves its build compressed, as CloudFront does (bench/storefront.py).
if os.environ.get("BENCH_GZIP"):
    MIDDLEWARE = ["django.middleware.gzip.GZipMiddleware", *MIDDLEWARE]  # noqa: F405
