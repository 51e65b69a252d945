"""Paying locally without a Stripe account: signed events through the real webhook code.

Mounted only when PAYMENTS_PROVIDER=local (never in production). The event is signed with
the webhook secret exactly as Stripe signs, then handed to the same service the webhook
view calls.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments.models import Payment, PaymentStatus
from payments.providers import event_payload, event_sign
from payments.services import webhook_receive
from shop.api.errors import error_body
from shop.money import to_minor_units


def local_event_send(*, payment: Payment, succeed: bool = True) -> str:
    """Make the provider's event for a payment, sign it, and receive it; return the outcome."""
    payload = event_payload(
        type="payment_intent.succeeded" if succeed else "payment_intent.payment_failed",
        intent_id=payment.provider_id,
        amount_minor=to_minor_units(payment.amount),
        currency=payment.currency,
        reference=payment.order.reference,
    )
    return webhook_receive(
        payload=payload, signature=event_sign(payload, settings.STRIPE_WEBHOOK_SECRET)
    )


@csrf_exempt
@require_POST
def local_pay(request: HttpRequest, intent_id: str) -> JsonResponse:
    """Pay (or, with ?fail=1, fail) a local payment intent, as a customer would at Stripe."""
    if settings.PAYMENTS_PROVIDER != "local":
        raise Http404("Local payments are off: PAYMENTS_PROVIDER is not local.")
    payment = get_object_or_404(
        Payment.objects.select_related("order"), provider="local", provider_id=intent_id
    )
    if payment.status == PaymentStatus.CANCELLED and payment.closed_at:
        # As Stripe refuses to confirm a cancelled PaymentIntent.
        return JsonResponse(
            error_body("payment_cancelled", "This payment was cancelled; start another."),
            status=409,
        )
    outcome = local_event_send(payment=payment, succeed=request.GET.get("fail") != "1")
    return JsonResponse({"outcome": outcome})
