"""The storefront SPA in local runs: its build served at /, and its configuration.

Production serves the same build from S3 through CloudFront; this module is mounted only
outside production (shop/urls.py). Every path that is not the API's, the admin's or a
stand-in's answers with the SPA's index.html, so that its own routes (/products/<slug>,
/orders/<reference>) survive a reload; files of the build are served as they are, the
hashed assets cached for a year.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Storefront not built</title>
<main style="font-family:system-ui;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The storefront is not built</h1>
<p>It needs Node.js 20 or newer: install it and run <code>make run</code> again, which builds it.
Meanwhile the <a href="/admin/">admin</a> and the <a href="/api/docs/">API</a> work.</p></main>"""


@require_safe
def storefront_config(request: HttpRequest) -> JsonResponse:
    """What the SPA reads at start (one build for every stage): API, sign-in, payments."""
    issuer = settings.COGNITO_ISSUER
    response = JsonResponse(
        {
            "apiBaseUrl": request.build_absolute_uri("/").rstrip("/"),
            "shopName": settings.SHOP_NAME,
            "currency": settings.SHOP_CURRENCY,
            "locale": settings.SHOP_LOCALE,
            "auth": {
                "authority": issuer,
                "clientId": settings.COGNITO_AUDIENCE,
                # The stand-in's Hosted UI lives under its issuer path (Cognito: its domain).
                "domain": issuer,
            },
            "payments": {
                "provider": settings.PAYMENTS_PROVIDER,
                "publishableKey": settings.STRIPE_PUBLISHABLE_KEY,
            },
        }
    )
    response["Cache-Control"] = "no-store"
    return response


def _file(path: Path, *, cache: str) -> FileResponse:
    content_type, _ = mimetypes.guess_type(path.name)
    response = FileResponse(
        path.open("rb"), content_type=content_type or "application/octet-stream"
    )
    response["Cache-Control"] = cache
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def storefront_page(request: HttpRequest, path: str = "") -> HttpResponse | FileResponse:
    """A file of the build, or the SPA's page for any of its routes."""
    dist = Path(settings.SHOP_STOREFRONT_DIST).resolve()
    index = dist / "index.html"
    if not index.is_file():
        return HttpResponse(NOT_BUILT, status=503 if path else 200)
    wanted = (dist / path).resolve()
    if path and wanted.is_file() and wanted.is_relative_to(dist) and wanted != index:
        immutable = wanted.is_relative_to(dist / "assets")
        return _file(
            wanted, cache="public, max-age=31536000, immutable" if immutable else "no-cache"
        )
    if path.startswith("assets/"):
        raise Http404("No such file in the storefront's build.")
    return _file(index, cache="no-cache")
