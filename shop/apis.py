"""The signed-in customer's own profile."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.api.schema import error_responses


class MeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    cognito_sub = serializers.CharField(allow_null=True)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: MeOutputSerializer, **error_responses(e401="No or invalid token.")}
    )
    def get(self, request):
        return Response(MeOutputSerializer(request.user).data)
