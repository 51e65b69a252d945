"""AWS clients with timeouts: no call to S3, SES or SQS waits longer than the settings say.

botocore's defaults wait 60 s to connect and 60 s to read, and retry: a request in a web
request must fail well inside API Gateway's 29 s instead. botocore is imported here, when a
client is made, never at a cold start.
"""

from typing import Any

from django.conf import settings


def client_config(**overrides: Any):
    """A botocore Config with the shop's timeouts and bounded retries."""
    from botocore.config import Config

    return Config(
        connect_timeout=settings.SHOP_AWS_CONNECT_TIMEOUT_SECONDS,
        read_timeout=settings.SHOP_AWS_READ_TIMEOUT_SECONDS,
        retries={"max_attempts": settings.SHOP_AWS_MAX_ATTEMPTS, "mode": "standard"},
        **overrides,
    )


def client(service: str, **kwargs: Any):
    """A boto3 client for `service` with client_config()."""
    import boto3

    return boto3.client(service, config=client_config(), **kwargs)
