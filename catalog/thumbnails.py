"""Thumbnails drawn with Pillow: bounded size, JPEG, orientation fixed."""

from io import BytesIO

from django.core.files import File
from django.core.files.base import ContentFile


def thumbnail_render(*, image: File, size: int) -> ContentFile:
    """Return a JPEG that fits in size x size, keeping the aspect ratio."""
    from PIL import Image, ImageOps  # loaded on the first upload, not at start-up

    image.seek(0)
    with Image.open(image) as source:
        picture = ImageOps.exif_transpose(source)
        picture.thumbnail((size, size), Image.Resampling.LANCZOS)
        if picture.mode in ("RGBA", "LA", "P"):
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
