"""Upload checks that run before anything is stored, reading no more than the file's header."""

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat

# The formats the shop takes, as Pillow names them, and the extension each is stored under.
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
NOT_AN_IMAGE = "The file is not an image we can read (JPEG, PNG, GIF or WebP)."


def validate_image_upload(value: File) -> None:
    """Refuse files over the size limit, in other formats, or with too many pixels.

    The pixel count comes from the header, before anything is decoded: a 13000 x 13000
    PNG of 657 KB would take gigabytes to decode, more than the function has.
    """
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
        # Image.open reads the header only. Pillow's own bomb guard (a warning, an error past
        # twice its limit) stays as a second wall; the check below is the one that speaks.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(value, formats=list(FORMATS))
        with image:
            width, height = image.size
            if width * height > settings.SHOP_MAX_IMAGE_PIXELS:
                raise ValidationError(
                    "The image is %(width)s x %(height)s pixels; at most %(limit)s million "
                    "pixels are accepted.",
                    code="image_too_many_pixels",
                    params={
                        "width": width,
                        "height": height,
                        "limit": f"{settings.SHOP_MAX_IMAGE_PIXELS / 1e6:g}",
                    },
                )
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            "The image has far more pixels than the %(limit)s million accepted.",
            code="image_too_many_pixels",
            params={"limit": f"{settings.SHOP_MAX_IMAGE_PIXELS / 1e6:g}"},
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(NOT_AN_IMAGE, code="invalid_image") from exc
    finally:
        value.seek(position)
