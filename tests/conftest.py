"""Fixtures shared by every test package."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image
from rest_framework.test import APIClient


def pytest_collection_modifyitems(config, items):
    """Run PostgreSQL-only tests in the PostgreSQL pass, and say why they skip elsewhere."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs in the pass with DATABASE_URL set")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Keep every test's uploads and reports in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "reports", "base_url": None},
        },
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Start every test with empty throttling counters."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def image_bytes(*, size=(800, 600), colour="#336699", fmt="PNG", mode="RGB") -> bytes:
    """Draw an image in memory and return its encoded bytes."""
    buffer = BytesIO()
    Image.new(mode, size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def image_upload(name="photo.png", **kwargs) -> SimpleUploadedFile:
    """Return an uploaded-file object holding a real image."""
    fmt = kwargs.get("fmt", "PNG")
    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type=f"image/{fmt.lower()}")
