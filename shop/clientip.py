"""The client's address, from what the proxies in front of the app appended, never what it sent.

Locally REMOTE_ADDR is the socket's peer and is left alone. On Lambda, Zappa fills REMOTE_ADDR
from X-Forwarded-For, assuming one proxy (CloudFront of an edge-optimized API Gateway)
appended the last entry. Every proxy of ours appends one entry; everything before those is
whatever the client wrote. SHOP_TRUSTED_PROXY_HOPS says how many trailing entries our own
proxies wrote: 1 for an edge-optimized API Gateway (Zappa's assumption), 0 for a regional
one, 2 with CloudFront in front of an edge-optimized one. Throttles and logs read
REMOTE_ADDR (DRF's NUM_PROXIES = 0), so a forged header never changes whose budget it is.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def client_address(forwarded_for: str, hops: int) -> str | None:
    """The entry our proxies vouch for: the one before their `hops` trailing entries."""
    entries = [entry.strip() for entry in forwarded_for.split(",") if entry.strip()]
    if not entries:
        return None
    # Fewer entries than our proxies write: the chain is not what we were told; take the
    # oldest, which is the closest to the client that there is.
    return entries[-(hops + 1)] if len(entries) > hops else entries[0]


class ClientAddressMiddleware:
    """Set REMOTE_ADDR on Lambda from X-Forwarded-For and SHOP_TRUSTED_PROXY_HOPS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "lambda.event" in request.META:
            address = client_address(
                request.META.get("HTTP_X_FORWARDED_FOR", ""), settings.SHOP_TRUSTED_PROXY_HOPS
            )
            if address:
                request.META["REMOTE_ADDR"] = address
        return self.get_response(request)


def request_address(request: HttpRequest) -> str | None:
    """The client's address as ClientAddressMiddleware resolved it (django-axes asks this)."""
    return request.META.get("REMOTE_ADDR")
