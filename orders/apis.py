"""Storefront order API: place an order, read it back."""

import itertools
import math
import re
from collections import Counter

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from catalog.apis import AbsoluteFileUrlField
from orders.errors import EmailNotVerified
from orders.holds import client_key_of
from orders.models import Order
from orders.selectors import order_get_for_viewer, order_list_for_user
from orders.services import (
    Address,
    Customer,
    OrderItem,
    order_place,
    order_place_for_customer,
)
from shop.api.fields import (
    EmailAddressField,
    InputSerializer,
    StrictIntegerField,
    TextField,
    money_field,
)
from shop.api.pagination import PageNumberPagination
from shop.api.representation import FastFields
from shop.api.schema import error_responses, request_example

# Every key is a UUID or 22 to 255 URL-safe characters (128 bits as base64url); the schema
# says so with the same pattern. Guests share one scope, so theirs must also be unguessable.
UUID_PATTERN = "[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}"
RANDOM_PATTERN = "[A-Za-z0-9_-]{22,255}"
IDEMPOTENCY_KEY_PATTERN = f"^(?:{UUID_PATTERN}|{RANDOM_PATTERN})$"
UUID_KEY = re.compile(f"^{UUID_PATTERN}$")
# Version 4 (random): the version digit is 4, the variant digit 8, 9, a or b.
UUID_V4_KEY = re.compile(
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$"
)
RANDOM_KEY = re.compile(f"^{RANDOM_PATTERN}$")
KEY_RULE = "A UUID (crypto.randomUUID()) or 22 to 255 random URL-safe characters."
GUEST_KEY_RULE = (
    "Guests must send an unguessable key: a version-4 UUID (crypto.randomUUID()) or 22 to "
    "255 random URL-safe characters (128 bits or more); sequences, repeats and typed keys "
    "are refused."
)


ORDER_TOKEN_HEADER = OpenApiParameter(
    "X-Order-Token",
    str,
    OpenApiParameter.HEADER,
    description="Guests: the access token they got when placing the order. "
    "Signed-in customers need none for their own orders.",
    examples=[
        OpenApiExample("A guest's token", value="q0PCj1vZ4b7mXl2oJt8sYwKf3nRd9eUh6aGxLc5iTzE")
    ],
)
ADDRESS_EXAMPLE = {
    "line1": "Main Street 1",
    "line2": "",
    "city": "Oslo",
    "postal_code": "0150",
    "country": "NO",
}
ITEMS_EXAMPLE = [{"product_id": 3, "quantity": 2}, {"product_id": 7, "quantity": 1}]


class OrderPlacementAnonThrottle(AnonRateThrottle):
    """Guests placing (or cancelling) orders, per client address."""

    scope = "order_place_anon"

    def get_rate(self) -> str:
        # Read at request time, so the rate is a plain Django setting.
        return settings.SHOP_ORDER_THROTTLE_ANON


class OrderPlacementUserThrottle(UserRateThrottle):
    """Signed-in customers placing orders, per account (anyone can sign up to the pool)."""

    scope = "order_place_user"

    def get_rate(self) -> str:
        return settings.SHOP_ORDER_THROTTLE_USER

    def allow_request(self, request, view) -> bool:
        # Guests are the anonymous throttle's; DRF's UserRateThrottle would count them too.
        if not request.user.is_authenticated:
            return True
        return super().allow_request(request, view)


class OrderLineOutputSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    slug = serializers.CharField(source="product.slug")
    thumbnail = AbsoluteFileUrlField(source="product.thumbnail")
    sku = serializers.CharField()
    name = serializers.CharField()
    unit_price = money_field()
    quantity = serializers.IntegerField()
    line_total = money_field()


class StatusChangeOutputSerializer(serializers.Serializer):
    status = serializers.CharField(source="to_status")
    at = serializers.DateTimeField(source="created_at")


class OrderOutputSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    customer = serializers.SerializerMethodField()
    shipping_address = serializers.SerializerMethodField()
    lines = OrderLineOutputSerializer(many=True)
    subtotal = money_field()
    shipping = money_field()
    total = money_field()
    currency = serializers.CharField()
    tracking_number = serializers.SerializerMethodField(
        help_text="The carrier's tracking number, once the order has shipped; else null."
    )
    status_history = StatusChangeOutputSerializer(many=True, source="status_changes")
    created_at = serializers.DateTimeField()

    def to_representation(self, order: Order) -> dict:
        # Hand-written: this is the answer to every checkout, and DRF's nested generic
        # rendering was a quarter of its time (bench/checkout.py). A test checks that it
        # equals the generic rendering of the fields declared above.
        fast = FastFields.of(self.context)
        return {
            "reference": order.reference,
            "status": order.status,
            "customer": self.get_customer(order),
            "shipping_address": self.get_shipping_address(order),
            "lines": [
                {
                    "product_id": line.product_id,
                    "slug": line.product.slug,
                    "thumbnail": fast.file_url(line.product.thumbnail),
                    "sku": line.sku,
                    "name": line.name,
                    "unit_price": f"{line.unit_price:.2f}",
                    "quantity": line.quantity,
                    "line_total": f"{line.line_total:.2f}",
                }
                for line in order.lines.all()
            ],
            "subtotal": f"{order.subtotal:.2f}",
            "shipping": f"{order.shipping:.2f}",
            "total": f"{order.total:.2f}",
            "currency": order.currency,
            "tracking_number": order.tracking_number or None,
            "status_history": [
                {"status": change.to_status, "at": fast.datetime(change.created_at)}
                for change in order.status_changes.all()
            ],
            "created_at": fast.datetime(order.created_at),
        }

    def get_tracking_number(self, order: Order) -> str | None:
        return order.tracking_number or None

    def get_customer(self, order: Order) -> dict[str, str]:
        return {"name": order.customer_name, "email": order.email, "phone": order.phone}

    def get_shipping_address(self, order: Order) -> dict[str, str]:
        return {
            "line1": order.shipping_line1,
            "line2": order.shipping_line2,
            "city": order.shipping_city,
            "postal_code": order.shipping_postal_code,
            "country": order.shipping_country,
        }


class PlacedOrderOutputSerializer(OrderOutputSerializer):
    access_token = serializers.CharField(
        allow_null=True,
        help_text="Guests only, shown once: send it as X-Order-Token to read the order.",
    )


class CustomerInputSerializer(InputSerializer):
    name = TextField(max_length=200)
    email = EmailAddressField(max_length=254)
    phone = TextField(max_length=40, required=False, allow_blank=True, default="")


class AddressInputSerializer(InputSerializer):
    line1 = TextField(max_length=200)
    line2 = TextField(max_length=200, required=False, allow_blank=True, default="")
    city = TextField(max_length=100)
    postal_code = TextField(max_length=20)
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$", max_length=2, error_messages={"invalid": "A two-letter ISO code."}
    )

    def validate_country(self, value: str) -> str:
        return value.upper()


class ItemInputSerializer(InputSerializer):
    product_id = StrictIntegerField(min_value=1)
    quantity = StrictIntegerField(min_value=1, max_value=settings.SHOP_MAX_QUANTITY)


class OrderPlaceInputSerializer(InputSerializer):
    customer = CustomerInputSerializer()
    shipping_address = AddressInputSerializer()
    items = serializers.ListField(
        child=ItemInputSerializer(),
        allow_empty=False,
        min_length=1,
        max_length=settings.SHOP_MAX_ORDER_LINES,
    )


class CustomerOverrideInputSerializer(CustomerInputSerializer):
    name = TextField(max_length=200, required=False)
    email = EmailAddressField(max_length=254, required=False)


class CustomerOrderPlaceInputSerializer(InputSerializer):
    """A signed-in customer's order: name and email default to the token's, items to the cart."""

    customer = CustomerOverrideInputSerializer(required=False)
    shipping_address = AddressInputSerializer(required=False)
    shipping_address_id = StrictIntegerField(
        min_value=1,
        required=False,
        help_text="An address of the customer's address book, instead of shipping_address. "
        "Leave both out to ship to the default address.",
    )
    items = serializers.ListField(
        child=ItemInputSerializer(),
        allow_empty=False,
        min_length=1,
        max_length=settings.SHOP_MAX_ORDER_LINES,
        required=False,
    )

    def validate(self, data: dict) -> dict:
        if "shipping_address" in data and "shipping_address_id" in data:
            raise ValidationError({"shipping_address_id": ["Give one of the two, not both."]})
        return data


def _entropy_per_character(text: str) -> float:
    """Shannon entropy of the text's own character mix, in bits per character."""
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _sequential_share(text: str) -> float:
    """Share of neighbouring characters that repeat or step by one ("aa", "ab", "98")."""
    pairs = list(itertools.pairwise(text))
    return sum(abs(ord(a) - ord(b)) <= 1 for a, b in pairs) / len(pairs)


def _unguessable(key: str) -> bool:
    """A version-4 UUID or 22+ URL-safe characters, whose character mix looks random.

    The bars sit far below what random keys show: over 200,000 random keys, a UUID's 32 hex
    digits never fell under 2.7 bits of entropy a character nor over 0.55 sequential pairs,
    22 random URL-safe characters never under 3.3 bits nor over 0.34. Typed keys
    ("abcdefghijklmnopqrstuv", "12345678-1234-...", repeats) fail one or the other.
    """
    if UUID_V4_KEY.match(key):
        digits = key.replace("-", "").lower()
        return _entropy_per_character(digits) >= 2.5 and _sequential_share(digits) <= 0.7
    if RANDOM_KEY.match(key):
        return _entropy_per_character(key) >= 3.0 and _sequential_share(key) <= 0.6
    return False


def _email_verified_or_refuse(request) -> None:
    """Refuse (403) a customer whose token does not vouch for the email orders are sent to."""
    claims = request.auth if isinstance(request.auth, dict) else {}
    verified = claims.get("email_verified") in (True, "true")
    if settings.COGNITO_REQUIRE_VERIFIED_EMAIL and not verified:
        raise EmailNotVerified()


def _idempotency_key(request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    guest = not request.user.is_authenticated
    if not (UUID_KEY.match(key) or RANDOM_KEY.match(key)) or (guest and not _unguessable(key)):
        raise ValidationError({"Idempotency-Key": [GUEST_KEY_RULE if guest else KEY_RULE]})
    return key


class OrderListCreateApi(APIView):
    throttle_classes = [OrderPlacementAnonThrottle, OrderPlacementUserThrottle]
    pagination_class = PageNumberPagination  # the list answers pages (the schema says so too)

    def get_permissions(self):
        # Listing is one's own orders; placing is open to guests (checkout needs no account).
        if self.request.method == "GET":
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_throttles(self):
        # Placing orders is throttled; reading one's own list is not.
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(
        responses={
            200: OrderOutputSerializer(many=True),
            **error_responses(e401="Sign in to list your orders."),
        },
    )
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(order_list_for_user(user=request.user), request, self)
        rendered = OrderOutputSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(rendered)

    @extend_schema(
        # One schema for both: guests must send customer, shipping_address and items (a 400
        # names what is missing); a signed-in customer may leave any of them out.
        request=CustomerOrderPlaceInputSerializer,
        examples=[
            request_example(
                "A guest's order",
                {
                    "customer": {"name": "Ann Smith", "email": "ann@example.com", "phone": ""},
                    "shipping_address": ADDRESS_EXAMPLE,
                    "items": ITEMS_EXAMPLE,
                },
            ),
            request_example("A signed-in customer's cart, to the default address", {}),
        ],
        description="Guests must send `customer`, `shipping_address` and `items`. A signed-in "
        "customer may leave out `items` to check out the cart (emptied when the order commits), "
        "`customer` to use the name and email of the ID token, and `shipping_address` to ship "
        "to an address of the book (`shipping_address_id`) or to the default one.",
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN, "maxLength": 255},
                OpenApiParameter.HEADER,
                description=f"{KEY_RULE} {GUEST_KEY_RULE} A retry with the same key and body "
                "returns the original order instead of placing another.",
                examples=[OpenApiExample("A UUID", value="0b5e8d7c-6a4f-4e3d-9c2b-1a0f9e8d7c42")],
            )
        ],
        responses={
            201: PlacedOrderOutputSerializer,
            **error_responses(
                e400="Invalid fields, an empty cart, or products that cannot be bought.",
                e401="A bearer token was sent but is invalid or expired.",
                e403="The customer's email is not verified (email_not_verified).",
                e404="shipping_address_id is not an address of your book.",
                e409="Not enough stock (insufficient_stock, with each short item).",
                e422="Idempotency-Key reused with a different body.",
                e429="Too many orders from this client (throttled), or its unpaid orders hold "
                "as much stock as one client may (too_many_unpaid_orders); see Retry-After.",
            ),
        },
    )
    def post(self, request):
        key = _idempotency_key(request)
        if not request.user.is_authenticated:
            guest = OrderPlaceInputSerializer(data=request.data)
            guest.is_valid(raise_exception=True)
            data = guest.validated_data
            placed = order_place(
                items=[OrderItem(**item) for item in data["items"]],
                customer=Customer(**data["customer"]),
                address=Address(**data["shipping_address"]),
                idempotency_key=key,
                client_key=client_key_of(request.META.get("REMOTE_ADDR", "")),
            )
        else:
            _email_verified_or_refuse(request)
            serializer = CustomerOrderPlaceInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            given = data.get("shipping_address")
            placed = order_place_for_customer(
                user=request.user,
                address=Address(**given) if given else None,
                address_id=data.get("shipping_address_id"),
                items=[OrderItem(**item) for item in data["items"]] if "items" in data else None,
                **data.get("customer", {}),
                idempotency_key=key,
            )
        body = OrderOutputSerializer(placed.order, context={"request": request}).data
        body["access_token"] = placed.access_token
        headers = {"Location": reverse("order-detail", args=[placed.order.reference])}
        if placed.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)


class OrderDetailApi(APIView):
    # Public: a guest reaches their order with its X-Order-Token (or the signed follow
    # link); order_get_for_viewer answers 404 to anyone else.
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[ORDER_TOKEN_HEADER],
        responses={
            200: OrderOutputSerializer,
            **error_responses(e404="No such order, or not yours."),
        },
    )
    def get(self, request, reference: str):
        order = order_get_for_viewer(
            reference=reference, user=request.user, token=request.headers.get("X-Order-Token")
        )
        return Response(OrderOutputSerializer(order, context={"request": request}).data)
