"""Settings for the test suite: the real ones, plus what only tests want."""

import tempfile
from pathlib import Path

from shop.settings import *  # noqa: F403
from shop.settings import STORAGES

# Uploads and reports of a test run go to a folder of its own, never to var/.
_FILES = Path(tempfile.mkdtemp(prefix="shop-test-files-"))
MEDIA_ROOT = _FILES / "media"
STORAGES = {
    **STORAGES,
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "reports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": _FILES / "reports", "base_url": None},
    },
    "import_export": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": _FILES / "imports", "base_url": None},
    },
}
# Hashing test users' passwords slowly proves nothing.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
