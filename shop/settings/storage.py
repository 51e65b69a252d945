"""Files: product images (public), reports (private), static files; on disk or on S3."""

from shop.settings.environment import BASE_DIR, VAR_DIR, env

MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATIC_URL = env.str("STATIC_URL", default="/static/")
# Where the static files manifest (staticfiles.json) is read from when they live on S3:
# the root of the Lambda package, where `make package` puts it.
STATIC_MANIFEST_DIR = env.path("STATIC_MANIFEST_DIR", default=BASE_DIR)
REPORTS_ROOT = env.path("REPORTS_ROOT", default=VAR_DIR / "reports")
IMPORTS_ROOT = env.path("IMPORTS_ROOT", default=VAR_DIR / "imports")

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
REPORTS_BUCKET_NAME = env.str("REPORTS_BUCKET_NAME", default="")
STATIC_BUCKET_NAME = env.str("STATIC_BUCKET_NAME", default="")

if AWS_STORAGE_BUCKET_NAME:
    _s3 = "shop.storages.TimedS3Storage"
    _s3_common = {"endpoint_url": AWS_S3_ENDPOINT_URL, "region_name": AWS_S3_REGION_NAME}
    STORAGES = {
        # Product images are public, served through CloudFront when a domain is given.
        "default": {
            "BACKEND": _s3,
            "OPTIONS": {
                **_s3_common,
                "bucket_name": AWS_STORAGE_BUCKET_NAME,
                "location": "media",
                "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
                "querystring_auth": False,
                "file_overwrite": False,
            },
        },
        # Reports are private: only short-lived presigned URLs ever reach a browser.
        "reports": {
            "BACKEND": _s3,
            "OPTIONS": {
                **_s3_common,
                "bucket_name": REPORTS_BUCKET_NAME or AWS_STORAGE_BUCKET_NAME,
                "location": "reports",
                "querystring_auth": True,
                "querystring_expire": env.int("REPORTS_PRESIGNED_SECONDS", default=300),
                "signature_version": "s3v4",
                "default_acl": None,
                "file_overwrite": True,
            },
        },
        # Catalog files between an import's preview and its confirmation: private, like
        # reports (the bucket's lifecycle drops what is never confirmed).
        "import_export": {
            "BACKEND": _s3,
            "OPTIONS": {
                **_s3_common,
                "bucket_name": REPORTS_BUCKET_NAME or AWS_STORAGE_BUCKET_NAME,
                "location": "imports",
                "querystring_auth": True,
                "default_acl": None,
                "file_overwrite": False,
            },
        },
        # Hashed names (cached for a year by CloudFront), manifest inside the package.
        "staticfiles": {
            "BACKEND": "shop.storages.S3ManifestStaticStorage",
            "OPTIONS": {
                **_s3_common,
                "bucket_name": STATIC_BUCKET_NAME or AWS_STORAGE_BUCKET_NAME,
                "location": "static",
                "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
                "querystring_auth": False,
            },
        },
    }
else:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # No base_url: report files are never served directly, only through the app.
            "OPTIONS": {"location": REPORTS_ROOT, "base_url": None},
        },
        "import_export": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": IMPORTS_ROOT, "base_url": None},
        },
        # `make package` collects with ManifestStaticFilesStorage: the files and manifest
        # that go to S3.
        "staticfiles": {
            "BACKEND": env.str(
                "STATICFILES_BACKEND",
                default="django.contrib.staticfiles.storage.StaticFilesStorage",
            )
        },
    }

# Every AWS call (S3, SES, SQS) gives up after these (shop.aws): connecting, reading an
# answer, and tries in all (botocore's standard retry mode).
SHOP_AWS_CONNECT_TIMEOUT_SECONDS = env.float("SHOP_AWS_CONNECT_TIMEOUT_SECONDS", default=3)
SHOP_AWS_READ_TIMEOUT_SECONDS = env.float("SHOP_AWS_READ_TIMEOUT_SECONDS", default=10)
SHOP_AWS_MAX_ATTEMPTS = env.int("SHOP_AWS_MAX_ATTEMPTS", default=2)
