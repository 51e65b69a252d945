"""Storage classes named in settings."""

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage

from shop.aws import client_config


class TimedS3Storage(S3Storage):
    """django-storages' S3 storage with the shop's timeouts (shop.aws)."""

    def __init__(self, **options):
        options.setdefault(
            "client_config",
            client_config(
                signature_version=options.get("signature_version"),
                s3={"addressing_style": options.get("addressing_style")},
            ),
        )
        super().__init__(**options)


class S3ManifestStaticStorage(ManifestFilesMixin, TimedS3Storage):
    """Serve collected static files from S3 under content-hashed names.

    `make package` collects static files into build/static/ (uploaded by
    infra/publish_static.py) and ships their manifest, staticfiles.json, inside the zip: a
    static URL is then resolved from a local file, never by reading S3 at a cold start. A
    name missing from the manifest is an error (manifest_strict), not a silent stale URL.
    """

    def __init__(self, **options):
        manifest = FileSystemStorage(location=settings.STATIC_MANIFEST_DIR)
        super().__init__(manifest_storage=manifest, **options)
