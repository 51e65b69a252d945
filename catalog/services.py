"""Writes on the catalog."""

from collections.abc import Iterable
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from catalog.models import Category, Product
from catalog.thumbnails import image_clean, thumbnail_render


def _files_delete(storage: Storage, names: Iterable[str]) -> None:
    for name in names:
        storage.delete(name)


@transaction.atomic
def product_create(
    *,
    sku: str,
    name: str,
    slug: str,
    category: Category,
    price: Decimal,
    stock: int = 0,
    description: str = "",
    is_active: bool = True,
    image: File | None = None,
) -> Product:
    """Validate and create a product, with its thumbnail when an image is given."""
    product = Product(
        sku=sku,
        name=name,
        slug=slug,
        category=category,
        price=price,
        stock=stock,
        description=description,
        is_active=is_active,
    )
    if image is not None:
        product.image = image
    product.full_clean()
    if image is not None:
        # Checked above from the header; stored re-encoded, without metadata or extras.
        product.image = image_clean(image=image)
    product.save()
    if image is not None:
        product_thumbnail_update(product=product)
    return product


@transaction.atomic
def product_thumbnail_update(*, product: Product, replaced_image: str = "") -> Product:
    """Make the thumbnail from the product's current image; drop the files it replaces."""
    stale = [product.thumbnail.name] if product.thumbnail else []
    if replaced_image and replaced_image != product.image.name:
        stale.append(replaced_image)

    if product.image:
        name = str(PurePosixPath(product.image.name).with_name("thumbnail.jpg"))
        with product.image.open("rb") as image:
            content = thumbnail_render(image=image, size=settings.SHOP_THUMBNAIL_SIZE)
        product.thumbnail.save(name, content, save=False)
    else:
        product.thumbnail = ""
    product.save(update_fields=["thumbnail", "updated_at"])

    stale = [name for name in stale if name and name != product.thumbnail.name]
    storage = product.thumbnail.storage
    # Old files go only once the new ones are committed, so a rollback loses nothing.
    transaction.on_commit(lambda: _files_delete(storage, stale))
    return product


def product_set_active(*, products: QuerySet[Product], active: bool) -> int:
    """Show or hide products in the storefront; return how many changed."""
    return products.exclude(is_active=active).update(is_active=active, updated_at=timezone.now())
