from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shop.local_cognito import local_id_token


class Command(BaseCommand):
    help = "Print an ID token of the local Cognito stand-in for a customer (local runs only)."

    def add_arguments(self, parser):
        parser.add_argument("--email", default="customer@example.com")
        parser.add_argument("--name", default="Demo Customer")

    def handle(self, *args, email, name, **options):
        if not settings.COGNITO_LOCAL_ISSUER:
            raise CommandError(
                "The local Cognito stand-in is off (COGNITO_LOCAL_ISSUER, production)."
            )
        try:
            self.stdout.write(local_id_token(email=email, name=name))
        except ValidationError as error:
            raise CommandError(f"Not a valid email: {email}") from error
