"""Writing report files into the private reports storage (S3 in production, disk locally)."""

from collections.abc import Iterable
from tempfile import SpooledTemporaryFile

from django.core.files import File
from django.core.files.storage import Storage, storages

CONTENT_TYPE = "text/html; charset=utf-8"
# Above this a report spills from memory to a temporary file (Lambda's /tmp): memory stays
# flat whatever the report's size.
SPOOL_BYTES = 1024 * 1024


def reports_storage() -> Storage:
    return storages["reports"]


def report_file_write(*, name: str, chunks: Iterable[str]) -> int:
    """Write the text chunks as one UTF-8 file under `name`, replacing any; return its size."""
    storage = reports_storage()
    with SpooledTemporaryFile(max_size=SPOOL_BYTES) as buffer:
        for chunk in chunks:
            buffer.write(chunk.encode())
        size = buffer.tell()
        buffer.seek(0)
        content = File(buffer, name=name)
        # django-storages sends this as the object's Content-Type.
        content.content_type = CONTENT_TYPE  # type: ignore[attr-defined]
        # A re-run replaces the file of an earlier, failed attempt.
        storage.delete(name)
        saved = storage.save(name, content)
    if saved != name:
        raise RuntimeError(f"The storage kept the report as {saved!r}, not {name!r}.")
    return size
