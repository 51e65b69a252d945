from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import IntegrityError, models, transaction

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
