"""A second factor for employees (django-otp): an authenticator app (TOTP) and recovery codes.

With SHOP_ADMIN_REQUIRE_2FA on (production), a staff member signed in with a password but
not yet with a code may open nothing in the admin but these pages: enrol (a QR code for the
app, then the first code; recovery codes are shown once), verify (a code from the app, or a
recovery code, each good once), and sign out. The staff API over the admin's session answers
403 `second_factor_required` until then. A superuser resets a lost device from the
employees' list ("Reset the second factor"), and the employee enrols again.
"""

import io
from collections.abc import Callable
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import site
from django.contrib.admin.views.decorators import staff_member_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
APP_DEVICE = "Authenticator app"
RECOVERY_DEVICE = "Recovery codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("admin:index")


def _page(request: HttpRequest, template: str, **context) -> HttpResponse:
    return render(
        request,
        f"admin/second_factor/{template}",
        {**site.each_context(request), "next": _next(request), **context},
    )


def _qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    out = io.BytesIO()
    qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]


@staff_member_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan, type its first code, keep the recovery codes."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return HttpResponseRedirect(
            f"{reverse('second-factor-verify')}?{urlencode({'next': _next(request)})}"
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _recovery_codes_new(user)
            otp_login(request, device)
            return _page(request, "recovery.html", codes=codes)
        form.add_error("code", "That code is not right; type the one your app shows now.")
    return _page(
        request,
        "enrol.html",
        form=form,
        qr=mark_safe(_qr_svg(device.config_url)),
        secret=_spaced(device.bin_key),
    )


def _spaced(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _recovery_codes_new(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@staff_member_required
def verify(request: HttpRequest) -> HttpResponse:
    """Sign in with the second factor: a code from the app, or a recovery code."""
    user = request.user
    if not any(devices_for_user(user)):
        return HttpResponseRedirect(
            f"{reverse('second-factor-enrol')}?{urlencode({'next': _next(request)})}"
        )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].replace(" ", "")
        for device in devices_for_user(user, for_verify=True):
            if device.verify_token(code):
                otp_login(request, device)
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    messages.warning(
                        request,
                        f"You used a recovery code: {left} left. "
                        "Ask a superuser to reset your second factor if you lost your app.",
                    )
                return HttpResponseRedirect(_next(request))
        form.add_error("code", "That code is not right, or it was used already.")
    return _page(request, "verify.html", form=form)


def devices_reset(*, user) -> int:
    """Forget an employee's authenticator app and recovery codes (a superuser's action)."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
    return removed


OPEN_PATHS = ("/admin/second-factor/", "/admin/logout/", "/admin/login/", "/admin/jsi18n/")


class SecondFactorMiddleware:
    """With SHOP_ADMIN_REQUIRE_2FA, staff signed in without a second factor reach only the
    pages to add or give it; the staff API over the session answers 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        guarded = request.path.startswith("/admin/") and not request.path.startswith(OPEN_PATHS)
        if guarded and settings.SHOP_ADMIN_REQUIRE_2FA and self._unverified_staff(request):
            has_device = any(devices_for_user(request.user))
            page = "second-factor-verify" if has_device else "second-factor-enrol"
            return HttpResponseRedirect(
                f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}"
            )
        return self.get_response(request)

    @staticmethod
    def _unverified_staff(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        return bool(
            user is not None and user.is_authenticated and user.is_staff and not user.is_verified()
        )
