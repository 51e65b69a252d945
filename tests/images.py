"""Real images drawn in memory, for upload tests."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(*, size=(800, 600), colour="#336699", fmt="PNG", mode="RGB") -> bytes:
    """Draw an image in memory and return its encoded bytes."""
    buffer = BytesIO()
    Image.new(mode, size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def image_upload(name="photo.png", **kwargs) -> SimpleUploadedFile:
    """Return an uploaded-file object holding a real image."""
    fmt = kwargs.get("fmt", "PNG")
    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type=f"image/{fmt.lower()}")
