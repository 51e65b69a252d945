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
from tests.images import image_bytes, image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_folder(settings, tmp_path):
    """Give each test an empty media folder: these tests count the files left behind."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _change_form(product: Product, **overrides) -> dict:
    data = {
        "name": product.name,
        "slug": product.slug,
        "sku": product.sku,
        "category": product.category_id,
        "description": product.description,
        "price": str(product.price),
        "stock": product.stock,
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_thumbnail_is_made_beside_the_image_within_bounds(settings):
    settings.SHOP_THUMBNAIL_SIZE = 100
    product = product_create(
        sku="S",
        name="Wide",
        slug="wide",
        category=CategoryFactory(),
        price=Decimal("1.00"),
        image=image_upload(size=(1200, 300)),
    )

    assert product.thumbnail.name.rsplit("/", 1)[0] == product.image.name.rsplit("/", 1)[0]
    with default_storage.open(product.thumbnail.name) as stored, Image.open(stored) as thumb:
        assert thumb.format == "JPEG"
        assert thumb.size == (100, 25)


def test_transparent_image_gets_a_white_background():
    product = product_create(
        sku="T",
        name="Clear",
        slug="clear",
        category=CategoryFactory(),
        price=Decimal("1.00"),
        image=image_upload(mode="RGBA", colour=(0, 0, 0, 0)),
    )
    with default_storage.open(product.thumbnail.name) as stored, Image.open(stored) as thumb:
        assert thumb.getpixel((5, 5)) == (255, 255, 255)


def test_admin_upload_makes_the_thumbnail_and_replacing_drops_old_files(
    client, settings, django_capture_on_commit_callbacks
):
    client.force_login(SuperuserFactory())
    product = ProductFactory()
    url = f"/admin/catalog/product/{product.id}/change/"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _change_form(product, image=image_upload("one.png")))
    assert response.status_code == 302
    product.refresh_from_db()
    first_image, first_thumb = product.image.name, product.thumbnail.name
    assert _stored_files(settings) == sorted([first_image, first_thumb])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, _change_form(product, image=image_upload("two.jpg", fmt="JPEG", colour="red"))
        )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.image.name != first_image and product.thumbnail.name != first_thumb
    assert _stored_files(settings) == sorted([product.image.name, product.thumbnail.name])
    with default_storage.open(product.thumbnail.name) as stored, Image.open(stored) as thumb:
        assert thumb.getpixel((1, 1))[0] > 200  # the red picture, not the blue one


def test_admin_clearing_the_image_drops_image_and_thumbnail(
    client, settings, django_capture_on_commit_callbacks
):
    client.force_login(SuperuserFactory())
    product = product_create(
        sku="C",
        name="Clearable",
        slug="clearable",
        category=CategoryFactory(),
        price=Decimal("1.00"),
        image=image_upload(),
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/catalog/product/{product.id}/change/",
            _change_form(product, **{"image-clear": "on"}),
        )

    assert response.status_code == 302
    product.refresh_from_db()
    assert not product.image and not product.thumbnail
    assert _stored_files(settings) == []


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("notes.png", b"this is not an image", content_type="image/png"),
        SimpleUploadedFile("half.png", image_bytes()[:60], content_type="image/png"),
    ],
    ids=["text", "truncated"],
)
def test_admin_refuses_a_non_image_and_stores_nothing(client, settings, upload):
    client.force_login(SuperuserFactory())
    product = ProductFactory(stock=7)

    response = client.post(
        f"/admin/catalog/product/{product.id}/change/",
        _change_form(product, image=upload, stock=99),
    )

    assert response.status_code == 200
    assert "image" in response.context["adminform"].form.errors
    product.refresh_from_db()
    assert not product.image and product.stock == 7
    assert _stored_files(settings) == []


def test_admin_refuses_an_oversized_image_and_stores_nothing(client, settings):
    settings.SHOP_MAX_IMAGE_BYTES = 1000
    client.force_login(SuperuserFactory())
    product = ProductFactory()
    upload = image_upload(size=(400, 400), fmt="BMP", name="big.bmp")
    assert upload.size > 1000

    response = client.post(
        f"/admin/catalog/product/{product.id}/change/", _change_form(product, image=upload)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["image"]
    assert "limit" in errors[0]
    product.refresh_from_db()
    assert not product.image
    assert _stored_files(settings) == []


def test_service_refuses_a_non_image_and_writes_nothing(settings):
    with pytest.raises(ValidationError) as error:
        product_create(
            sku="X",
            name="X",
            slug="x",
            category=CategoryFactory(),
            price=Decimal("1.00"),
            image=SimpleUploadedFile("x.png", b"GIF89a nonsense"),
        )
    assert "image" in error.value.message_dict
    assert not Product.objects.exists()
    assert _stored_files(settings) == []


def test_thumbnail_keeps_the_orientation_from_exif():
    buffer = BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees: a landscape file that shows as portrait
    Image.new("RGB", (400, 200), "green").save(buffer, format="JPEG", exif=exif)
    product = product_create(
        sku="R",
        name="Rotated",
        slug="rotated",
        category=CategoryFactory(),
        price=Decimal("1.00"),
        image=SimpleUploadedFile("r.jpg", buffer.getvalue()),
    )
    with default_storage.open(product.thumbnail.name) as stored, Image.open(stored) as thumb:
        assert thumb.width < thumb.height
