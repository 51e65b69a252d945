"""Storefront cart API: a signed-in customer's server-side cart."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.apis import AbsoluteFileUrlField
from catalog.models import Product
from orders.cart.selectors import cart_get
from orders.cart.services import cart_clear, cart_item_remove, cart_item_set, cart_merge
from shop.api.fields import InputSerializer, StrictIntegerField, money_field
from shop.api.schema import error_responses, request_example


class CartProductOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    sku = serializers.CharField()
    name = serializers.CharField()
    price = money_field()
    stock = serializers.SerializerMethodField(help_text="Null when the shop hides counts.")
    is_active = serializers.BooleanField()
    thumbnail = AbsoluteFileUrlField()

    def get_stock(self, product: Product) -> int | None:
        return product.stock if settings.SHOP_PUBLIC_STOCK_COUNTS else None


class CartLineOutputSerializer(serializers.Serializer):
    product = CartProductOutputSerializer()
    quantity = serializers.IntegerField()
    line_total = money_field()
    available = serializers.BooleanField(
        help_text="False when the product was hidden or has too little stock now."
    )


class CartOutputSerializer(serializers.Serializer):
    lines = CartLineOutputSerializer(many=True)
    item_count = serializers.IntegerField()
    subtotal = money_field(help_text="Of the available lines, at current prices.")
    currency = serializers.SerializerMethodField()

    def get_currency(self, cart) -> str:
        return settings.SHOP_CURRENCY


class CartItemInputSerializer(InputSerializer):
    quantity = StrictIntegerField(min_value=1, max_value=settings.SHOP_MAX_QUANTITY)


def _cart_body(request) -> dict:
    return CartOutputSerializer(cart_get(user=request.user), context={"request": request}).data


def _cart_response(request) -> Response:
    return Response(_cart_body(request))


_CART_ERRORS = error_responses(e401="Sign in to use a cart.")


class CartApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: CartOutputSerializer, **_CART_ERRORS})
    def get(self, request):
        return _cart_response(request)

    @extend_schema(responses={200: CartOutputSerializer, **_CART_ERRORS})
    def delete(self, request):
        cart_clear(user=request.user)
        return _cart_response(request)


class CartItemApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CartItemInputSerializer,
        examples=[request_example("Two of this product", {"quantity": 2})],
        responses={
            200: CartOutputSerializer,
            **error_responses(
                e400="Invalid quantity, or the product cannot be bought.",
                e401="Sign in to use a cart.",
                e409="Not enough stock for this quantity.",
            ),
        },
    )
    def put(self, request, product_id: int):
        serializer = CartItemInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cart_item_set(
            user=request.user, product_id=product_id, quantity=serializer.validated_data["quantity"]
        )
        return _cart_response(request)

    @extend_schema(
        responses={
            200: CartOutputSerializer,
            **error_responses(e401="Sign in to use a cart.", e404="Not in the cart."),
        }
    )
    def delete(self, request, product_id: int):
        cart_item_remove(user=request.user, product_id=product_id)
        return _cart_response(request)


class CartMergeItemInputSerializer(InputSerializer):
    product_id = StrictIntegerField(min_value=1)
    quantity = StrictIntegerField(min_value=1, max_value=10_000)


class CartMergeInputSerializer(InputSerializer):
    items = serializers.ListField(child=CartMergeItemInputSerializer(), max_length=200)


class CartMergeReportSerializer(serializers.Serializer):
    unavailable = serializers.ListField(
        child=serializers.IntegerField(), help_text="Products left out: unknown, hidden, sold out."
    )
    capped = serializers.ListField(
        child=serializers.DictField(),
        help_text="{product_id, requested, quantity}: less than wanted, for stock or the limit.",
    )


class CartMergeOutputSerializer(CartOutputSerializer):
    merge = CartMergeReportSerializer()


class CartMergeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CartMergeInputSerializer,
        examples=[
            request_example(
                "The guest cart",
                {"items": [{"product_id": 3, "quantity": 2}, {"product_id": 7, "quantity": 1}]},
            )
        ],
        responses={
            200: CartMergeOutputSerializer,
            **error_responses(e400="Invalid items.", e401="Sign in to use a cart."),
        },
        description="After sign-in, add the guest cart the SPA kept to the customer's cart. "
        "Quantities add up, capped by stock; what cannot be bought is reported, not failed.",
    )
    def post(self, request):
        serializer = CartMergeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        merge = cart_merge(
            user=request.user,
            items=[(i["product_id"], i["quantity"]) for i in serializer.validated_data["items"]],
        )
        body = _cart_body(request)
        body["merge"] = {
            "unavailable": merge.unavailable,
            "capped": [
                {"product_id": pid, "requested": wanted, "quantity": got}
                for pid, wanted, got in merge.capped
            ],
        }
        return Response(body)
