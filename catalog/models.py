import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from catalog.validators import validate_image_upload
from shop.money import MoneyField


def product_image_upload_to(instance: "Product", filename: str) -> str:
    """Store images under an unguessable folder so names never collide or leak order."""
    suffix = PurePosixPath(filename).suffix.lower() or ".img"
    return f"products/{uuid.uuid4().hex}/image{suffix}"


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    sku = models.CharField("SKU", max_length=64, unique=True)
    name = models.CharField(max_length=200)
    # A letter at least: /api/v1/products/<digits>/ looks a product up by id.
    slug = models.SlugField(
        max_length=200,
        unique=True,
        validators=[RegexValidator(r"[A-Za-z]", "A slug needs a letter: all-digit ones are ids.")],
    )
    description = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    price = MoneyField(validators=[MinValueValidator(0)])
    # Changed only by deltas: checkouts, cancellations, product_stock_adjust. Never written
    # as an absolute value read earlier, so no edit can lose a sale.
    stock = models.PositiveIntegerField(default=0)
    low_stock_threshold = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Alert Catalog managers at or below this; empty: the shop's default.",
    )
    # Set when the alert for the current dip went out; cleared when stock rises above again.
    low_stock_alerted = models.BooleanField(default=False, editable=False)
    is_active = models.BooleanField("active", default=True)
    image = models.ImageField(
        upload_to=product_image_upload_to,
        blank=True,
        max_length=255,
        validators=[validate_image_upload],
    )
    # Made from `image` by catalog.services.product_thumbnail_update, never uploaded.
    thumbnail = models.ImageField(blank=True, editable=False, max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stock__gte=0), name="catalog_product_stock_non_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="catalog_product_price_non_negative"
            ),
        ]
        indexes = [
            # The storefront only lists active products, ordered by one of these.
            models.Index(fields=["is_active", "name", "id"], name="catalog_product_name_idx"),
            models.Index(fields=["is_active", "price", "id"], name="catalog_product_price_idx"),
            models.Index(fields=["is_active", "created_at"], name="catalog_product_newest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def low_stock_limit(self) -> int:
        """Its own low-stock threshold, or the shop's (catalog.selectors.low_stock_threshold)."""
        if self.low_stock_threshold is None:
            return settings.SHOP_LOW_STOCK_THRESHOLD
        return self.low_stock_threshold


class StockKind(models.TextChoices):
    OPENING = "opening", "Opening balance"
    INITIAL = "initial", "Initial stock"
    ADJUSTMENT = "adjustment", "Adjustment"
    SALE = "sale", "Sale"
    CANCELLATION = "cancellation", "Cancellation"
    EXPIRY = "expiry", "Expired unpaid"
    REINSTATEMENT = "reinstatement", "Late payment"
    IMPORT = "import", "Import"


class StockAdjustment(models.Model):
    """One change of a product's stock: the stock ledger. Never an absolute value.

    Every change writes a row in the same transaction (sales, cancellations, expiries,
    late-payment reinstatements, employees' adjustments, imports), so per product the deltas
    sum to the stock (a PostgreSQL test checks it under concurrency).
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(
        max_length=16, choices=StockKind.choices, default=StockKind.ADJUSTMENT, db_index=True
    )
    delta = models.IntegerField(help_text="Units added (positive) or taken away (negative).")
    reason = models.CharField(max_length=200, blank=True)
    stock_after = models.PositiveIntegerField()
    # The order behind a sale, cancellation, expiry or reinstatement (by reference: the
    # catalog does not depend on orders).
    order_reference = models.CharField(max_length=16, blank=True, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField("when", default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(delta=0), name="catalog_stockadjustment_delta_not_zero"
            )
        ]

    def __str__(self) -> str:
        return f"{self.delta:+d} {self.product_id}: {self.reason}"


class PendingImport(models.Model):
    """A previewed spreadsheet waiting for its confirm: confirmed once, never twice.

    The file itself waits in the import_export storage under `name`; this row is the claim
    on it. Confirming marks it in the import's own transaction, so a second click (or a
    second tab) finds it taken and imports nothing, and a refused import frees it again.
    """

    name = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
