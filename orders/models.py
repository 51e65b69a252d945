from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from catalog.models import Product
from orders.shipping import CARRIER_CHOICES
from shop.money import MoneyField


class OrderStatus(models.TextChoices):
    PLACED = "placed", "Placed"
    PAID = "paid", "Paid"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


# The only moves an order's status may make; everything else is refused.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PLACED: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


class Order(models.Model):
    reference = models.CharField(max_length=16, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        help_text="The signed-in customer; empty for guest orders.",
    )
    customer_name = models.CharField(max_length=200)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    shipping_line1 = models.CharField("address line 1", max_length=200)
    shipping_line2 = models.CharField("address line 2", max_length=200, blank=True)
    shipping_city = models.CharField("city", max_length=100)
    shipping_postal_code = models.CharField("postal code", max_length=20)
    shipping_country = models.CharField("country", max_length=2, help_text="ISO 3166 code.")
    status = models.CharField(
        max_length=10, choices=OrderStatus.choices, default=OrderStatus.PLACED, db_index=True
    )
    subtotal = MoneyField()
    shipping = MoneyField(default=Decimal("0.00"))
    total = MoneyField()
    # What was given back (payments writes it with each refund): revenue counts total less it.
    refunded_total = MoneyField(default=Decimal("0.00"), editable=False)
    currency = models.CharField(max_length=3)
    tracking_number = models.CharField(
        max_length=100, blank=True, help_text="The carrier's, given when the order ships."
    )
    carrier = models.CharField(max_length=20, blank=True, choices=CARRIER_CHOICES)
    # SHA-256 of the guest's access token; the token itself is shown once and never stored.
    access_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Who holds stock with unpaid orders (orders.holds): a guest's client address (an IPv6
    # address by its /64 network), and when the payment was first started.
    client_key = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    payment_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField("placed at", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                # Sums are not checked here: SQLite compares decimals as floats.
                condition=Q(subtotal__gte=0) & Q(shipping__gte=0) & Q(total__gte=0),
                name="orders_order_amounts_non_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="orders_order_user_idx"),
            # The dashboard's queues (paid: to ship, placed: awaiting payment), oldest first,
            # and the expiry job's scan of unpaid orders.
            models.Index(fields=["status", "created_at"], name="orders_order_status_idx"),
        ]

    def __str__(self) -> str:
        return self.reference


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    # Snapshots: what the customer bought, whatever happens to the product later.
    sku = models.CharField("SKU", max_length=64)
    name = models.CharField(max_length=200)
    unit_price = MoneyField()
    quantity = models.PositiveIntegerField()
    line_total = MoneyField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="orders_orderline_quantity_positive"
            ),
            models.UniqueConstraint(
                fields=["order", "product"], name="orders_orderline_one_line_per_product"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.name}"


class ChangeSource(models.TextChoices):
    """What made a status move, shown with it on the order's History page."""

    CHECKOUT = "checkout", "Checkout"
    ADMIN = "admin", "Employee in the admin"
    CUSTOMER = "customer", "Customer"
    PAYMENT = "payment", "Payment provider (webhook)"
    EXPIRY = "expiry", "Expiry job"
    SYSTEM = "system", "The shop"


class OrderStatusChange(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=OrderStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.CharField(max_length=500, blank=True)
    source = models.CharField(
        max_length=10, choices=ChangeSource.choices, default=ChangeSource.SYSTEM
    )
    created_at = models.DateTimeField("when", default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key for placing an order, with the body it came with."""

    scope = models.CharField(max_length=40, help_text="'guest' or 'user:<id>'.")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="idempotency_key")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="orders_idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class Cart(models.Model):
    """A signed-in customer's server-side cart; prices are always the current ones."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Cart of {self.user}"


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="orders_cartitem_quantity_positive"
            ),
            models.UniqueConstraint(fields=["cart", "product"], name="orders_cartitem_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"


class CustomerAddress(models.Model):
    """A shipping address in a customer's address book; at most one is the default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses"
    )
    name = models.CharField(max_length=50, blank=True, help_text="e.g. Home, Work.")
    line1 = models.CharField("address line 1", max_length=200)
    line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, help_text="ISO 3166 code.")
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_default", "created_at", "id"]
        verbose_name_plural = "customer addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_default=True),
                name="orders_customeraddress_one_default",
            )
        ]

    def __str__(self) -> str:
        return f"{self.line1}, {self.postal_code} {self.city}"


class EmailRecipientHour(models.Model):
    """Order emails sent to one address in one hour (orders.emails caps them).

    In the database, not the cache: every Lambda instance and worker sees the same count.
    """

    recipient = models.CharField(max_length=64, help_text="SHA-256 of the lower-cased address.")
    hour = models.PositiveBigIntegerField(help_text="Hours since the epoch.")
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "hour"], name="orders_email_hour_unique")
        ]
        indexes = [models.Index(fields=["hour"], name="orders_email_hour_idx")]

    def __str__(self) -> str:
        return f"{self.sent} email(s) in hour {self.hour}"
