"""Request bodies for placing orders."""

import copy

GUEST = {
    "customer": {"name": "Ann Smith", "email": "ann@example.com", "phone": "+47 123"},
    "shipping_address": {
        "line1": "Main Street 1",
        "line2": "",
        "city": "Oslo",
        "postal_code": "0150",
        "country": "NO",
    },
}


def order_body(*items: tuple[int, int], **overrides) -> dict:
    """A guest order body buying (product_id, quantity) pairs."""
    body = copy.deepcopy(GUEST)
    body["items"] = [{"product_id": pid, "quantity": qty} for pid, qty in items]
    body.update(overrides)
    return body
