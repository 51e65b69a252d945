"""Idempotency-Key replays: the same request with the same key answers with the same order."""

import hashlib
import hmac
import json
from dataclasses import asdict
from typing import Any

from orders.errors import IdempotencyKeyReused
from orders.models import IdempotencyKey
from orders.services.types import Address, Customer, PlacedOrder
from orders.tokens import token_rederive


def fingerprint(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def request_hash_of(*, lines: dict[int, int], customer: Customer, address: Address) -> str:
    return fingerprint(
        {"items": sorted(lines.items()), "customer": asdict(customer), "address": asdict(address)}
    )


def key_stored(*, scope: str, key: str) -> str:
    """The form a key is kept in: guests' only as a hash (their key derives their token)."""
    if scope != "guest":
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def replay(*, scope: str, key: str, request_hash: str, guest: bool) -> PlacedOrder | None:
    """Return the order an earlier request with this key placed, or None if there is none."""
    found = (
        IdempotencyKey.objects.select_related("order")
        .filter(scope=scope, key=key_stored(scope=scope, key=key))
        .first()
    )
    if found is None:
        return None
    if not hmac.compare_digest(found.request_hash, request_hash):
        raise IdempotencyKeyReused()
    order = found.order
    token = None
    if guest:
        token = token_rederive(
            scope=scope, key=key, reference=order.reference, stored_hash=order.access_token_hash
        )
    return PlacedOrder(order=order, access_token=token, replayed=True)
