"""Paying an order (for Stripe.js), and the provider's webhook."""

import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from orders.apis import ORDER_TOKEN_HEADER, OrderOutputSerializer, OrderPlacementAnonThrottle
from orders.models import ChangeSource
from orders.selectors import order_get_for_viewer, order_reread
from payments.errors import InvalidWebhook
from payments.services import order_cancel, payment_start, payment_window_end, webhook_receive
from shop.api.errors import error_body
from shop.api.fields import InputSerializer, TextField, money_field
from shop.api.schema import error_responses, request_example

logger = logging.getLogger(__name__)


class PaymentOutputSerializer(serializers.Serializer):
    provider = serializers.CharField(help_text="stripe (locally: local).")
    payment_intent = serializers.CharField(source="provider_id")
    client_secret = serializers.CharField(help_text="Hand it to Stripe.js to confirm the payment.")
    publishable_key = serializers.SerializerMethodField()
    amount = money_field()
    currency = serializers.CharField()
    status = serializers.CharField()
    pay_by = serializers.SerializerMethodField(
        help_text="After this the order is cancelled and its stock released."
    )

    def get_publishable_key(self, payment) -> str:
        return settings.STRIPE_PUBLISHABLE_KEY

    def get_pay_by(self, payment) -> str:
        return serializers.DateTimeField().to_representation(payment_window_end(payment.order))


class PaymentStartThrottle(SimpleRateThrottle):
    """Starting payments, per account (signed in) or per client address (guests)."""

    scope = "payment_start"

    def get_rate(self) -> str:
        return settings.SHOP_PAYMENT_THROTTLE

    def get_cache_key(self, request, view) -> str:
        who = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": who}


class OrderPaymentApi(APIView):
    # Public: a guest reaches their order with its X-Order-Token (or the signed follow
    # link); order_get_for_viewer answers 404 to anyone else.
    permission_classes = [AllowAny]
    throttle_classes = [PaymentStartThrottle]

    @extend_schema(
        request=None,
        parameters=[ORDER_TOKEN_HEADER],
        responses={
            201: PaymentOutputSerializer,
            200: PaymentOutputSerializer,
            **error_responses(
                e404="No such order, or not yours.",
                e409="The order is not awaiting payment, or its time to pay is over.",
                e429="Too many payments started by this client; see Retry-After.",
                e502="The payment provider refused the request (payment_provider_error).",
                e503="The payment provider did not answer in time "
                "(payment_provider_unavailable); see Retry-After.",
            ),
        },
        description="Create the order's payment (a Stripe PaymentIntent) or return the one "
        "already open: 201 when created, 200 when returned. Amount and currency come from "
        "the order on the server.",
    )
    def post(self, request, reference: str):
        order = order_get_for_viewer(
            reference=reference, user=request.user, token=request.headers.get("X-Order-Token")
        )
        payment, created = payment_start(order=order)
        return Response(
            PaymentOutputSerializer(payment).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class OrderCancelInputSerializer(InputSerializer):
    reason = TextField(max_length=200, required=False, allow_blank=True, default="")


class OrderCancelApi(APIView):
    # Public: a guest reaches their order with its X-Order-Token (or the signed follow
    # link); order_get_for_viewer answers 404 to anyone else.
    permission_classes = [AllowAny]
    throttle_classes = [OrderPlacementAnonThrottle]

    @extend_schema(
        request=OrderCancelInputSerializer,
        examples=[request_example("With a reason", {"reason": "Ordered the wrong size."})],
        parameters=[ORDER_TOKEN_HEADER],
        responses={
            200: OrderOutputSerializer,
            **error_responses(
                e404="No such order, or not yours.",
                e409="Shipped or already cancelled (invalid_status_transition), or a payment "
                "has just arrived (payment_arrived: ask again in a moment).",
                e429="Too many requests from this client; try again later.",
                e502="The payment provider refused the request (payment_provider_error).",
                e503="The payment provider did not answer in time "
                "(payment_provider_unavailable); see Retry-After.",
            ),
        },
        description="Cancel an order before it ships. Its stock comes back; what was paid is "
        "refunded in full.",
    )
    def post(self, request, reference: str):
        order = order_get_for_viewer(
            reference=reference, user=request.user, token=request.headers.get("X-Order-Token")
        )
        serializer = OrderCancelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data["reason"].strip()
        note = f"Cancelled by the customer. {reason}".strip()
        cancelled = order_cancel(
            order=order,
            by=request.user if request.user.is_authenticated else None,
            note=note,
            source=ChangeSource.CUSTOMER,
        )
        answer = OrderOutputSerializer(order_reread(order=cancelled), context={"request": request})
        return Response(answer.data)


@csrf_exempt  # signed by Stripe instead
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """Receive a Stripe event: the signature is checked on the raw body before anything."""
    try:
        outcome = webhook_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except InvalidWebhook as exc:
        logger.warning("Refused a webhook: %s", exc.message)
        return JsonResponse(error_body(exc.code, exc.message), status=exc.status_code)
    return JsonResponse({"received": True, "outcome": outcome})
