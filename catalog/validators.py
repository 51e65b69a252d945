"""Upload checks that run before anything is stored."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat


def validate_image_upload(value: File) -> None:
    """Refuse files over the size limit and files Pillow cannot read as an image."""
    # Pillow loads when an image is uploaded, not with every cold start (the models use this).
    from PIL import Image

    limit = settings.SHOP_MAX_IMAGE_BYTES
    if value.size is not None and value.size > limit:
        raise ValidationError(
            "The image is %(size)s; the limit is %(limit)s.",
            code="file_too_large",
            params={"size": filesizeformat(value.size), "limit": filesizeformat(limit)},
        )
    position = value.tell() if hasattr(value, "tell") else 0
    try:
        value.seek(0)
        with Image.open(value) as image:
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            "The file is not an image we can read (JPEG, PNG, GIF or WebP).", code="invalid_image"
        ) from exc
    finally:
        value.seek(position)
