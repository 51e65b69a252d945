from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A person who signs in: an employee (admin) or, later, a Cognito customer."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
