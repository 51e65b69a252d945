"""Crafted image files: a pixel bomb, polyglots, truncation, lying names, GPS metadata."""

import json
import subprocess
import sys
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import Product
from catalog.services import product_create
from tests.factories import CategoryFactory, ProductFactory, SuperuserFactory
from tests.images import image_bytes
from tests.shop.settings_process import ROOT

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def _own_media_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _stored(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _create(upload) -> Product:
    return product_create(
        sku="ATTACK",
        name="Attack",
        slug="attack",
        category=CategoryFactory(),
        price=Decimal("1.00"),
        image=upload,
    )


def _bomb(side: int = 13_000) -> bytes:
    buffer = BytesIO()
    Image.new("1", (side, side)).save(buffer, format="PNG")  # 1 bit a pixel: tiny file
    return buffer.getvalue()


def test_a_pixel_bomb_is_refused_from_its_header(settings):
    bomb = _bomb()
    assert len(bomb) < 1_000_000
    with pytest.raises(ValidationError) as error:
        _create(SimpleUploadedFile("bomb.png", bomb))
    assert "13000 x 13000 pixels" in str(error.value)
    assert not Product.objects.exists() and _stored(settings) == []


def test_checking_a_pixel_bomb_stays_small_in_memory(tmp_path):
    """A fresh interpreter validates the bomb; its peak memory stays far below the decode."""
    path = tmp_path / "bomb.png"
    path.write_bytes(_bomb())
    code = (
        "import django, json, resource, sys; django.setup()\n"
        "from django.core.exceptions import ValidationError\n"
        "from django.core.files import File\n"
        "from catalog.validators import validate_image_upload\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    validate_image_upload(File(open(sys.argv[1], 'rb')))\n"
        "    refused = False\n"
        "except ValidationError:\n"
        "    refused = True\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(json.dumps({'refused': refused, 'grew_kib': after - before}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "shop.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout)
    # Decoding it would take 169 million pixels (160 MiB even at 1 byte each).
    assert measured == {"refused": True, "grew_kib": measured["grew_kib"]}
    assert measured["grew_kib"] < 32 * 1024


def test_the_admin_refuses_a_pixel_bomb_and_stores_nothing(client, settings):
    client.force_login(SuperuserFactory())
    product = ProductFactory()
    response = client.post(
        f"/admin/catalog/product/{product.pk}/change/",
        {
            "name": product.name,
            "slug": product.slug,
            "sku": product.sku,
            "category": product.category_id,
            "price": "1.00",
            "stock": product.stock,
            "image": SimpleUploadedFile("bomb.png", _bomb()),
        },
    )
    assert response.status_code == 200
    assert "million pixels" in str(response.context["adminform"].form.errors["image"])
    assert _stored(settings) == []


@pytest.mark.parametrize(
    "tail",
    [b"<html><script>alert(document.cookie)</script></html>", b"<?php system($_GET[1]); ?>"],
    ids=["html", "php"],
)
def test_a_polyglot_keeps_its_pixels_and_loses_its_tail(settings, tail):
    product = _create(SimpleUploadedFile("poly.gif", image_bytes(fmt="GIF") + tail))
    with default_storage.open(product.image.name, "rb") as stored:
        content = stored.read()
    assert tail not in content and b"<script" not in content and b"<?php" not in content
    assert product.image.name.endswith("/image.gif")
    with default_storage.open(product.image.name, "rb") as stored, Image.open(stored) as image:
        assert image.format == "GIF" and image.size == (800, 600)


def test_a_truncated_image_is_refused_and_nothing_is_stored(settings):
    whole = image_bytes(size=(600, 600), fmt="PNG", colour="#123456")
    with pytest.raises(ValidationError):
        _create(SimpleUploadedFile("cut.png", whole[: len(whole) // 2]))
    assert not Product.objects.exists() and _stored(settings) == []


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "ICO"])
def test_formats_the_shop_does_not_take_are_refused_whatever_their_name(settings, fmt):
    upload = SimpleUploadedFile("innocent.png", image_bytes(size=(64, 64), fmt=fmt))
    with pytest.raises(ValidationError) as error:
        _create(upload)
    assert "JPEG, PNG, GIF or WebP" in str(error.value)
    assert _stored(settings) == []


def test_a_file_named_for_another_format_is_stored_under_its_real_one():
    product = _create(SimpleUploadedFile("photo.jpg", image_bytes(fmt="PNG")))
    assert product.image.name.endswith("/image.png")
    with default_storage.open(product.image.name, "rb") as stored, Image.open(stored) as image:
        assert image.format == "PNG"


def _holiday_photo() -> bytes:
    """A JPEG as phones make it: camera make, orientation, and where it was taken."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0112] = 6  # orientation: shown rotated
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (59.0, 54.0, 47.0), 3: "E", 4: (10.0, 45.0, 1.0)})
    buffer = BytesIO()
    Image.new("RGB", (400, 200), "green").save(buffer, format="JPEG", exif=exif)
    with Image.open(BytesIO(buffer.getvalue())) as original:
        assert original.getexif().get_ifd(GPS_IFD)  # the upload does carry a location
    return buffer.getvalue()


def _assert_stored_clean(product: Product) -> None:
    with default_storage.open(product.image.name, "rb") as stored, Image.open(stored) as image:
        assert dict(image.getexif()) == {}
        assert not image.getexif().get_ifd(GPS_IFD)
        assert image.size == (200, 400)  # the orientation was applied to the pixels


def test_gps_and_other_exif_are_stripped_from_the_stored_original():
    product = _create(SimpleUploadedFile("holiday.jpg", _holiday_photo()))
    _assert_stored_clean(product)


def test_an_image_uploaded_on_the_product_page_is_stored_clean_too(admin_client, settings):
    product = ProductFactory(stock=3)
    response = admin_client.post(
        f"/admin/catalog/product/{product.pk}/change/",
        {
            "name": product.name,
            "slug": product.slug,
            "sku": product.sku,
            "category": product.category_id,
            "price": "1.00",
            "image": SimpleUploadedFile("holiday.jpg", _holiday_photo()),
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.image.name.endswith("/image.jpg")
    _assert_stored_clean(product)
    # One original and its thumbnail: the upload was not stored raw beside them.
    assert sorted(name.rsplit("/", 1)[1] for name in _stored(settings)) == [
        "image.jpg",
        "thumbnail.jpg",
    ]
