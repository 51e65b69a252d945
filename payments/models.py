from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from orders.models import Order
from shop.money import MoneyField


class PaymentStatus(models.TextChoices):
    REQUIRES_PAYMENT = "requires_payment", "Awaiting payment"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"


class Payment(models.Model):
    """One attempt to pay an order at a provider (a Stripe PaymentIntent)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=20)
    provider_id = models.CharField("provider's id", max_length=255)
    attempt = models.PositiveIntegerField(default=1)
    # Money stays Decimal in the shop; minor units exist only at the provider's boundary.
    amount = MoneyField()
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.REQUIRES_PAYMENT
    )
    # What Stripe.js needs to confirm the payment; shown to the order's owner only.
    client_secret = models.CharField(max_length=255, blank=True, editable=False)
    # The employee who recorded a payment made outside the provider (bank transfer, cash).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    error = models.CharField(max_length=500, blank=True)
    # When the provider confirmed that a cancelled payment can take no money; empty while
    # the shop has still to tell it (payments.services.payments_settle retries).
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["updated_at"],
                condition=Q(status="cancelled", closed_at__isnull=True),
                name="payments_payment_to_close",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_id"], name="payments_payment_provider_id_unique"
            ),
            models.UniqueConstraint(
                fields=["order", "attempt"], name="payments_payment_one_per_attempt"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_id}"


class RefundStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the provider"
    SUCCEEDED = "succeeded", "Given back"
    FAILED = "failed", "Refused"


class Refund(models.Model):
    """Money given back. Written under the order's lock as pending (the money counts as given
    back at once, so nothing refunds it twice), then sent to the provider after the commit
    with its own idempotency key; payments.services.refunds retries what did not go through."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    provider_id = models.CharField("provider's id", max_length=255, blank=True)
    amount = MoneyField()
    reason = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=RefundStatus.choices, default=RefundStatus.SUCCEEDED
    )
    # False for money that never counted as revenue (a duplicate or late payment).
    of_revenue = models.BooleanField(default=True, editable=False)
    # The email that tells the customer, sent once the provider has given the money back.
    notify = models.CharField(max_length=30, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    next_attempt_at = models.DateTimeField(null=True, blank=True, editable=False)
    error = models.CharField(max_length=500, blank=True)
    # The employee who gave it back; empty when the shop did (an expiry, a duplicate payment).
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="payments_refund_to_send",
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} of {self.payment}"


class WebhookEvent(models.Model):
    """A provider's event, stored by its id so that a redelivery is handled only once."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    outcome = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="payments_webhookevent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
