"""The SES email backend with the shop's timeouts (shop.aws)."""

from django_ses import SESBackend

from shop.aws import client_config


class TimedSESBackend(SESBackend):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("aws_config", client_config())
        super().__init__(*args, **kwargs)
