from django.urls import path

from orders.apis import OrderDetailApi, OrderPlaceApi

urlpatterns = [
    path("orders/", OrderPlaceApi.as_view(), name="order-list"),
    path("orders/<str:reference>/", OrderDetailApi.as_view(), name="order-detail"),
]
