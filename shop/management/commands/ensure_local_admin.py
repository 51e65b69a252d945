import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create or reset the local superuser with a fresh random password, and print it."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="admin@example.com")

    def handle(self, *args, username, email, **options):
        if settings.PRODUCTION:
            raise CommandError("The local admin is for local runs only (SHOP_ENV=production).")
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"email": email}
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        # So that the demo's reports reach the local admin (console email).
        Group.objects.get(name="Report recipients").user_set.add(user)
        self.stdout.write(f"Admin login: {username} / {password}")
        if settings.SHOP_ADMIN_REQUIRE_2FA:
            self.stdout.write(
                "Second factor: required; the admin shows a QR code for your authenticator app."
            )
        else:
            self.stdout.write(
                "Second factor: off in this local run (production always asks for one); "
                "SHOP_ADMIN_REQUIRE_2FA=true to try it."
            )
