"""Writes on the catalog."""

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from catalog.emails import low_stock_alert_queue
from catalog.errors import StockBelowZero
from catalog.models import Category, Product, StockAdjustment, StockKind
from catalog.selectors import low_stock_threshold
from catalog.thumbnails import image_clean, thumbnail_render
from shop.db import lock_taken, update_from_values
from shop.models import User


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
    low_stock_threshold: int | None = None,
    by: User | None = None,
) -> Product:
    """Validate and create a product, with its thumbnail when an image is given.

    Its first stock is recorded as an adjustment, so the product's stock history is whole.
    """
    product = Product(
        sku=sku,
        name=name,
        slug=slug,
        category=category,
        price=price,
        stock=stock,
        description=description,
        is_active=is_active,
        low_stock_threshold=low_stock_threshold,
    )
    if image is not None:
        product.image = image
    product.full_clean()
    if image is not None:
        # Checked above from the header; stored re-encoded, without metadata or extras.
        product.image = image_clean(image=image)
    product.save()
    if stock:
        StockAdjustment.objects.create(
            product=product,
            kind=StockKind.INITIAL,
            delta=stock,
            reason="Initial stock",
            stock_after=stock,
            by=by,
        )
    if image is not None:
        product_thumbnail_update(product=product)
    return product


# What product_update may write: everything an employee edits, never the stock.
EDITABLE = (
    "name",
    "slug",
    "sku",
    "category",
    "description",
    "price",
    "is_active",
    "image",
    "low_stock_threshold",
)

# Each one's attribute on an instance (category -> category_id), from the model's fields.
EDITABLE_ATTNAMES: dict[str, str] = {
    field.name: field.attname for field in Product._meta.concrete_fields if field.name in EDITABLE
}


@transaction.atomic
def product_update(*, product: Product, fields: Iterable[str], replaced_image: str = "") -> Product:
    """Validate and save the named fields of an edited product, and nothing else.

    The stock is never among them: it changes by product_stock_adjust, so a page loaded
    before a sale cannot write the old count back over it.
    """
    chosen = [name for name in EDITABLE if name in set(fields)]
    product.full_clean(exclude=["stock"])
    if "image" in chosen and product.image and not product.image._committed:
        # A new upload, checked above from its header: stored re-encoded, like product_create's.
        product.image = image_clean(image=product.image)
    if chosen:
        product.save(update_fields=[*chosen, "updated_at"])
    if "image" in chosen:
        product_thumbnail_update(product=product, replaced_image=replaced_image)
    if "low_stock_threshold" in chosen:
        products_stock_changed(product_ids=[product.pk])
    return product


@transaction.atomic
def product_stock_adjust(
    *,
    product: Product,
    delta: int,
    reason: str,
    by: User | None = None,
    kind: str = StockKind.ADJUSTMENT,
) -> StockAdjustment:
    """Add (or, negative, take away) units of stock, with a reason; recorded with the result.

    A relative UPDATE (stock = stock + delta) under the database's non-negative check: a
    concurrent checkout's decrement is never lost, and stock never goes below zero.
    """
    if delta == 0:
        raise ValidationError({"delta": ["Adjust by at least one unit."]})
    (adjustment,) = products_stock_adjust(
        deltas={product.pk: delta}, reason=reason, by=by, kind=kind
    )
    product.stock = adjustment.stock_after
    return adjustment


# Products a statement of products_stock_adjust changes at most (one CASE branch each).
STOCK_BATCH = 500


@transaction.atomic
def products_stock_adjust(
    *,
    deltas: Mapping[int, int],
    reason: str,
    by: User | None = None,
    kind: str = StockKind.ADJUSTMENT,
) -> list[StockAdjustment]:
    """Adjust the stock of many products at once (product id -> units): all or none.

    product_stock_adjust for a batch, in a few statements per STOCK_BATCH products rather
    than a few per product: the same relative UPDATE, only where the stock stays at zero or
    above; if any product lacks the units, nothing changes (StockBelowZero names it).
    """
    if not reason.strip():
        raise ValidationError({"reason": ["Say why (received, written off, counted...)."]})
    changes = {pk: delta for pk, delta in deltas.items() if delta}
    ids = sorted(changes)
    after: dict[int, int] = {}
    now = timezone.now()
    for start in range(0, len(ids), STOCK_BATCH):
        batch = ids[start : start + STOCK_BATCH]
        # Locked in primary-key order, as checkouts lock them (docs/design.md, "Locks").
        stock = dict(
            Product.objects.filter(pk__in=batch)
            .order_by("pk")
            .select_for_update()
            .values_list("pk", "stock")
        )
        lock_taken("products")
        for pk in batch:
            if stock.get(pk, 0) + changes[pk] < 0:
                available, wanted = stock.get(pk, 0), -changes[pk]
                sku = Product.objects.filter(pk=pk).values_list("sku", flat=True).first()
                raise StockBelowZero(
                    f"Only {available} in stock: cannot take away {wanted}."
                    if len(ids) == 1
                    else f"Only {available} of {sku} in stock: cannot take away {wanted}.",
                    details={"product_id": pk, "available": available, "delta": changes[pk]},
                )
        # Relative, under the database's non-negative check: the rows are ours until commit.
        update_from_values(
            Product,
            ["stock"],
            [(pk, changes[pk]) for pk in batch],
            add=True,
            also={"updated_at": now},
        )
        after.update((pk, stock[pk] + changes[pk]) for pk in batch)
    adjustments = StockAdjustment.objects.bulk_create(
        [
            StockAdjustment(
                product_id=pk,
                kind=kind,
                delta=delta,
                reason=reason.strip()[:200],
                stock_after=after[pk],
                by=by,
            )
            for pk, delta in changes.items()
        ]
    )
    rose = all(delta > 0 for delta in changes.values())
    fell = all(delta < 0 for delta in changes.values())
    products_stock_changed(product_ids=ids, rose=True if rose else False if fell else None)
    return adjustments


# Rows products_import writes a statement at most.
IMPORT_BATCH = 500


@transaction.atomic
def products_import(
    *,
    created: Sequence[Product],
    changed: Sequence[tuple[Product, Sequence[str]]],
    stock: Sequence[tuple[Product, int]],
    reason: str,
    by: User | None = None,
) -> None:
    """Write a checked batch of products (a spreadsheet's import): all of it, or nothing.

    `created` are new, unsaved products, `changed` existing ones with the fields that changed
    (of EDITABLE, never the stock), each already validated by the caller against the
    catalog and the rest of its batch (catalog.imports does, with the file). Their stock
    changes (`stock`: (product, units) pairs) go through products_stock_adjust, recorded with
    `reason`: never written as a number.
    """
    existing = sorted({product.pk for product, _ in changed} | {p.pk for p, _ in stock if p.pk})
    for start in range(0, len(existing), IMPORT_BATCH):
        # Locked in primary-key order, as checkouts lock them (docs/design.md, "Locks").
        batch = existing[start : start + IMPORT_BATCH]
        list(Product.objects.filter(pk__in=batch).order_by("pk").select_for_update().values("pk"))
        lock_taken("products")  # tests widen the window here (tests/concurrency.py)
    for product in created:
        product.stock = 0
    Product.objects.bulk_create(created, batch_size=IMPORT_BATCH)
    now = timezone.now()
    groups: dict[tuple[str, ...], list[Product]] = {}
    for product, fields in changed:
        chosen = tuple(name for name in EDITABLE if name in set(fields) and name != "image")
        if chosen:
            groups.setdefault(chosen, []).append(product)
    for fields, products in groups.items():
        columns = [EDITABLE_ATTNAMES[name] for name in fields]
        for start in range(0, len(products), IMPORT_BATCH):
            update_from_values(
                Product,
                columns,
                [
                    (product.pk, *(getattr(product, name) for name in columns))
                    for product in products[start : start + IMPORT_BATCH]
                ],
                also={"updated_at": now},
            )
    thresholds = [
        product.pk
        for fields, group in groups.items()
        for product in group
        if "low_stock_threshold" in fields
    ]
    deltas = {product.pk: delta for product, delta in stock if delta}
    if deltas:
        products_stock_adjust(deltas=deltas, reason=reason, by=by, kind=StockKind.IMPORT)
    products_stock_changed(product_ids=[pk for pk in thresholds if pk not in deltas])


def stock_movements_record(
    *,
    kind: str,
    changes: Iterable[tuple[int, int, int]],
    order_reference: str = "",
    by: User | None = None,
) -> None:
    """Write the ledger rows of stock just changed: (product_id, delta, stock_after) each.

    One INSERT for all of them; call it in the transaction that changed the stock.
    """
    StockAdjustment.objects.bulk_create(
        [
            StockAdjustment(
                product_id=product_id,
                kind=kind,
                delta=delta,
                stock_after=after,
                order_reference=order_reference,
                by=by,
            )
            for product_id, delta, after in changes
            if delta
        ]
    )


def products_stock_changed(*, product_ids: Iterable[int], rose: bool | None = None) -> list[int]:
    """Note stock that crossed its low-stock threshold; alert once per crossing, after commit.

    A product at or below its threshold is claimed with a conditional UPDATE (so concurrent
    checkouts send one alert, not one each); one back above it is re-armed. Returns the ids
    alerted now. `rose` says which way stock went, when known: a fall cannot re-arm, a rise
    cannot cross downwards, so each skips the query it does not need.
    """
    ids = list(product_ids)
    if not ids:
        return []
    products = Product.objects.filter(pk__in=ids).annotate(threshold=low_stock_threshold())
    if rose is not False:
        products.filter(low_stock_alerted=True, stock__gt=F("threshold")).update(
            low_stock_alerted=False
        )
    if rose is True:
        return []
    due = list(
        products.filter(low_stock_alerted=False, stock__lte=F("threshold")).values_list(
            "pk", flat=True
        )
    )
    claimed = [
        pk
        for pk in due
        if Product.objects.filter(pk=pk, low_stock_alerted=False).update(low_stock_alerted=True)
    ]
    if claimed:
        low_stock_alert_queue(claimed)
    return claimed


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
