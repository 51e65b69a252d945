from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from shop.errors import InactiveUser


class UserManager(DjangoUserManager["User"]):
    def get_or_create_for_cognito(self, claims: dict[str, Any]) -> "User":
        """Return the customer for verified Cognito ID token claims, made on first sight.

        Keyed on `sub` (Cognito's stable id); email and name follow the token. Safe when
        several first requests of one new customer arrive at once.
        """
        sub = claims["sub"]
        fields = {
            "email": claims.get("email", ""),
            "first_name": claims.get("given_name", "")[:150],
            "last_name": claims.get("family_name", "")[:150],
        }
        if not fields["first_name"] and claims.get("name"):
            fields["first_name"] = claims["name"][:150]
        try:
            user = self.get(cognito_sub=sub)
        except self.model.DoesNotExist:
            try:
                with transaction.atomic():
                    user = self.model(username=f"cognito-{sub}"[:150], cognito_sub=sub, **fields)
                    user.set_unusable_password()
                    user.save(force_insert=True)
            except IntegrityError:
                # Another request made this customer first.
                user = self.get(cognito_sub=sub)
        if not user.is_active:
            raise InactiveUser()
        changed = [name for name, value in fields.items() if getattr(user, name) != value]
        if changed:
            for name in changed:
                setattr(user, name, fields[name])
            user.save(update_fields=changed)
        return user


class User(AbstractUser):
    """A person who signs in: an employee (admin, Django password) or a Cognito customer."""

    cognito_sub = models.CharField(
        "Cognito sub",
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="Set for customers who sign in through Cognito.",
    )

    objects: ClassVar[UserManager] = UserManager()

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        swappable = "AUTH_USER_MODEL"

    @property
    def is_customer(self) -> bool:
        return self.cognito_sub is not None

    def __str__(self) -> str:
        # Customers' usernames are cognito-<uuid>: name them as people do.
        if self.is_customer:
            return self.get_full_name() or self.email or self.username
        return self.username


class CustomerManager(UserManager):
    def get_queryset(self) -> models.QuerySet["User"]:
        return super().get_queryset().filter(cognito_sub__isnull=False)


class Customer(User):
    """The people who buy: Cognito sign-ins, kept apart from the employees in the admin."""

    objects: ClassVar[UserManager] = CustomerManager()

    class Meta:
        proxy = True


class EmailState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Gave up"
    SUPPRESSED = "suppressed", "Not sent (held back)"


class OutboundEmail(models.Model):
    """One email to one address: written with the change that causes it, sent after.

    The outbox (shop.outbox): a row is written in the same transaction as the order, payment
    or report it tells of, so an email is never lost to a rollback nor sent for a change
    that did not happen. It is sent once that transaction commits; what could not be sent
    is tried again by the sweep, with growing waits, up to SHOP_EMAIL_MAX_ATTEMPTS.
    """

    kind = models.CharField(
        max_length=64, db_index=True, help_text="What it tells, e.g. order.paid."
    )
    to = models.EmailField("to", max_length=254)
    params = models.JSONField(default=dict, blank=True, help_text="What its renderer needs.")
    reference = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        help_text="The order, report or product it is about.",
    )
    state = models.CharField(
        max_length=10, choices=EmailState.choices, default=EmailState.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(
        blank=True, help_text="Why the last try failed or why it was held back."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(
        "message id",
        max_length=255,
        blank=True,
        help_text="The mail provider's id (SES's MessageId).",
    )
    subject = models.CharField(max_length=255, blank=True)
    body_text = models.TextField("text", blank=True)
    resent_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="resends"
    )

    class Meta:
        verbose_name = "outbound email"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to}"
