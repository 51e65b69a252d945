"""Employees' password reset by email: Django's views, for staff only, through the outbox.

The same answer whether the address belongs to an employee or not; a client address and an
email address may ask a few times an hour (beyond, the answer is the same and nothing is
sent), so the form neither tells who works here nor mails anyone in a loop. The reset
link is made when the email is sent (its token is never stored) and works once, for
PASSWORD_RESET_TIMEOUT.
"""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from shop.models import OutboundEmail
from shop.outbox import Rendered, Suppressed, email_queue

HOUR = 3600


def _allowed(kind: str, value: str, limit: int) -> bool:
    """Count one request for `value` this hour; False once it is past `limit`."""
    key = f"password-reset:{kind}:{hashlib.sha256(value.lower().encode()).hexdigest()}"
    cache.add(key, 0, HOUR)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, HOUR)
        return True


class StaffPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        return (user for user in super().get_users(email) if user.is_staff)

    def save(self, *args, request=None, **kwargs):
        email = self.cleaned_data["email"]
        address = (request.META.get("REMOTE_ADDR") if request else "") or "unknown"
        per_address = _allowed("address", address, settings.SHOP_PASSWORD_RESETS_PER_HOUR)
        per_email = _allowed("email", email, settings.SHOP_PASSWORD_RESETS_PER_HOUR)
        if not (per_address and per_email):
            return  # the same page as always, and nothing sent
        for user in self.get_users(email):
            email_queue(
                kind="signin.password_reset",
                to=getattr(user, user.get_email_field_name()),
                params={"user_id": user.pk},
                reference=user.get_username(),
            )


def password_reset_render(message: OutboundEmail) -> Rendered:
    """The outbox's renderer of the reset email: a fresh one-time link."""
    user = get_user_model().objects.filter(pk=message.params["user_id"], is_active=True).first()
    if user is None or not user.is_staff or not user.has_usable_password():
        raise Suppressed("no longer an active employee with a password")
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "link": f"{settings.SHOP_BASE_URL.rstrip('/')}{path}",
        "hours": settings.PASSWORD_RESET_TIMEOUT // HOUR,
        "shop_name": settings.SHOP_NAME,
    }
    return Rendered(
        subject=f"{settings.SHOP_NAME}: reset your admin password",
        text=render_to_string("emails/password_reset.txt", context),
    )


class StaffPasswordResetView(auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm
    success_url = reverse_lazy("password_reset_done")
    extra_context = {"site_header": "Shop administration"}

    def form_valid(self, form):
        form.save(request=self.request)
        return super(auth_views.PasswordResetView, self).form_valid(form)


class StaffPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")
