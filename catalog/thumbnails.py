"""Images drawn with Pillow: clean originals (no metadata) and bounded thumbnails."""

from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile

from catalog.validators import FORMATS, NOT_AN_IMAGE


def image_clean(*, image: File) -> ContentFile:
    """Re-encode an uploaded image: pixels only, no EXIF (camera, GPS), nothing appended.

    Whatever was hidden in the file (metadata, an HTML or script tail of a polyglot) is not
    in the pixels, so it does not survive. The orientation EXIF gave is applied first. The
    result is named image.<ext> for its real format, whatever the upload was called.
    """
    from PIL import Image, ImageOps  # loaded on the first upload, not at start-up

    image.seek(0)
    try:
        with Image.open(image, formats=list(FORMATS)) as source:
            kind = source.format or "PNG"
            frames = getattr(source, "n_frames", 1)
            buffer = BytesIO()
            if kind == "GIF" and frames > 1:
                # Animated: keep the frames and their timing, drop comments and extensions.
                source.save(buffer, format="GIF", save_all=True, loop=source.info.get("loop", 0))
            else:
                picture = ImageOps.exif_transpose(source)
                options = {"JPEG": {"quality": 90, "optimize": True}}.get(kind, {})
                if kind == "JPEG" and picture.mode not in ("RGB", "L"):
                    picture = picture.convert("RGB")
                picture.save(buffer, format=kind, **options)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        # A truncated file passes the header checks and fails here, at the first full decode.
        raise ValidationError({"image": [NOT_AN_IMAGE]}) from exc
    return ContentFile(buffer.getvalue(), name=f"image.{FORMATS[kind]}")


def thumbnail_render(*, image: File, size: int) -> ContentFile:
    """Return a JPEG that fits in size x size, keeping the aspect ratio.

    A JPEG is decoded at a reduced scale (draft) straight away, so a large photo never
    occupies its full size in memory; other formats are reduced while being resampled.
    """
    from PIL import Image, ImageOps

    image.seek(0)
    with Image.open(image, formats=list(FORMATS)) as source:
        if source.format == "JPEG":
            source.draft("RGB", (size * 2, size * 2))
        orientation = source.getexif().get(0x0112)
        source.thumbnail((size, size), Image.Resampling.LANCZOS, reducing_gap=2.0)
        picture: Image.Image = source
        if orientation:
            exif = picture.getexif()
            exif[0x0112] = orientation
            picture.info["exif"] = exif.tobytes()
            picture = ImageOps.exif_transpose(picture)
        if picture.mode in ("RGBA", "LA", "P", "PA"):
            # Transparent areas become white rather than black in a JPEG.
            picture = picture.convert("RGBA")
            background = Image.new("RGB", picture.size, "white")
            background.paste(picture, mask=picture.getchannel("A"))
            picture = background
        elif picture.mode != "RGB":
            picture = picture.convert("RGB")
        buffer = BytesIO()
        picture.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue())
