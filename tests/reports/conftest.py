import uuid
from email import message_from_bytes

import boto3
import pytest
from django.contrib.auth.models import Group

from tests.factories import StaffFactory

ACCOUNT = "123456789012"  # moto's default account


@pytest.fixture
def s3_reports(moto_url, settings):
    """Put the reports storage in a fresh private bucket on moto's S3; return (client, bucket)."""
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    bucket = f"reports-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "reports": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "location": "reports",
                "endpoint_url": moto_url,
                "region_name": "us-east-1",
                "addressing_style": "path",
                "querystring_auth": True,
                "querystring_expire": 300,
                "signature_version": "s3v4",
                "default_acl": None,
                "file_overwrite": True,
            },
        },
    }
    return s3, bucket


@pytest.fixture
def ses_outbox(moto_url, settings):
    """Send email through django-ses to moto's SES; return a function listing what it got."""
    ses = boto3.client("ses", endpoint_url=moto_url, region_name="us-east-1")
    ses.verify_email_identity(EmailAddress=settings.DEFAULT_FROM_EMAIL)
    settings.EMAIL_BACKEND = "shop.email.TimedSESBackend"
    settings.AWS_SES_REGION_NAME = "us-east-1"
    settings.AWS_SES_REGION_ENDPOINT_URL = moto_url
    from moto.ses.models import ses_backends

    backend = ses_backends[ACCOUNT]["us-east-1"]
    already = len(backend.sent_messages)

    def received():
        return [message_from_bytes(m.raw_data.encode()) for m in backend.sent_messages[already:]]

    return received


@pytest.fixture
def report_viewer(db):
    user = StaffFactory(email="viewer@example.com")
    user.groups.add(Group.objects.get(name="Report viewers"))
    return user


@pytest.fixture
def recipient(db):
    user = StaffFactory(email="recipient@example.com")
    user.groups.add(Group.objects.get(name="Report recipients"))
    return user
