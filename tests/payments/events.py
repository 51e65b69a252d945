"""Signed provider events, as Stripe delivers them to the webhook."""

from payments.providers import event_payload, event_sign

WEBHOOK = "/api/v1/payments/stripe/webhook/"
# The signing secret the stripe_api fixture gives the shop.
WEBHOOK_SECRET = "whsec_test_" + "k" * 24


def deliver(client, payload: bytes, secret: str, **headers):
    """POST an event to the webhook signed with `secret`; return the response."""
    return client.generic(
        "POST",
        WEBHOOK,
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=event_sign(payload, secret),
        **headers,
    )


def intent_event(intent: dict, type: str = "payment_intent.succeeded", **changes) -> bytes:
    """An event about a stand-in intent (amount and currency as the intent has them)."""
    fields = {
        "type": type,
        "intent_id": intent["id"],
        "amount_minor": intent["amount"],
        "currency": intent["currency"],
        "reference": intent["metadata"].get("order_reference", ""),
    }
    fields.update(changes)
    return event_payload(**fields)


def payment_started(client, product, quantity: int = 1) -> tuple[str, str]:
    """Place a guest order of `product` and start paying it; return (reference, intent id)."""
    from tests.orders.bodies import order_body

    placed = client.post(
        "/api/v1/orders/", order_body((product.pk, quantity)), content_type="application/json"
    ).json()
    started = client.post(
        f"/api/v1/orders/{placed['reference']}/payment/",
        HTTP_X_ORDER_TOKEN=placed["access_token"],
    )
    assert started.status_code == 201, started.content
    return placed["reference"], started.json()["payment_intent"]
