"""The customer's address book: /api/v1/me/addresses/."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.addresses.selectors import address_get, address_list
from orders.addresses.services import address_create, address_delete, address_update
from orders.apis import AddressInputSerializer
from shop.api.fields import StrictBooleanField, TextField
from shop.api.schema import error_responses, request_example


class AddressBookOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    line1 = serializers.CharField()
    line2 = serializers.CharField()
    city = serializers.CharField()
    postal_code = serializers.CharField()
    country = serializers.CharField()
    is_default = serializers.BooleanField()


class AddressBookInputSerializer(AddressInputSerializer):
    """A shipping address as checkout takes it, plus its name in the book and the default."""

    name = TextField(max_length=50, required=False, allow_blank=True, default="")
    is_default = StrictBooleanField(required=False, default=False)


_ERRORS = error_responses(e400="Invalid fields.", e401="Sign in to keep addresses.")


class AddressListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: AddressBookOutputSerializer(many=True), **_ERRORS})
    def get(self, request):
        return Response(
            AddressBookOutputSerializer(address_list(user=request.user), many=True).data
        )

    @extend_schema(
        request=AddressBookInputSerializer,
        examples=[
            request_example(
                "Home",
                {
                    "name": "Home",
                    "line1": "Main Street 1",
                    "line2": "",
                    "city": "Oslo",
                    "postal_code": "0150",
                    "country": "NO",
                    "is_default": True,
                },
            )
        ],
        responses={201: AddressBookOutputSerializer, **_ERRORS},
    )
    def post(self, request):
        serializer = AddressBookInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        address = address_create(user=request.user, **serializer.validated_data)
        return Response(AddressBookOutputSerializer(address).data, status=status.HTTP_201_CREATED)


_ONE_ERRORS = error_responses(
    e400="Invalid fields.", e401="Sign in to keep addresses.", e404="Not one of your addresses."
)


class AddressDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: AddressBookOutputSerializer, **_ONE_ERRORS})
    def get(self, request, address_id: int):
        address = address_get(user=request.user, address_id=address_id)
        return Response(AddressBookOutputSerializer(address).data)

    @extend_schema(
        request=AddressBookInputSerializer(partial=True),
        examples=[request_example("Make it the default", {"is_default": True})],
        responses={200: AddressBookOutputSerializer, **_ONE_ERRORS},
    )
    def patch(self, request, address_id: int):
        address_get(user=request.user, address_id=address_id)  # 404 before validating
        serializer = AddressBookInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        address = address_update(
            user=request.user, address_id=address_id, **serializer.validated_data
        )
        return Response(AddressBookOutputSerializer(address).data)

    @extend_schema(responses={204: None, **_ONE_ERRORS})
    def delete(self, request, address_id: int):
        address_delete(user=request.user, address_id=address_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
