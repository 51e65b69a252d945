from django.urls import path

from orders.addresses.apis import AddressDetailApi, AddressListApi
from orders.apis import OrderDetailApi, OrderListCreateApi
from orders.cart.apis import CartApi, CartItemApi, CartMergeApi

urlpatterns = [
    path("orders/", OrderListCreateApi.as_view(), name="order-list"),
    path("orders/<reference:reference>/", OrderDetailApi.as_view(), name="order-detail"),
    path("cart/", CartApi.as_view(), name="cart"),
    path("cart/items/<id:product_id>/", CartItemApi.as_view(), name="cart-item"),
    path("cart/merge/", CartMergeApi.as_view(), name="cart-merge"),
    path("me/addresses/", AddressListApi.as_view(), name="address-list"),
    path("me/addresses/<id:address_id>/", AddressDetailApi.as_view(), name="address-detail"),
]
