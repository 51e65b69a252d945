from django.urls import path

from payments.apis import OrderCancelApi, OrderPaymentApi, stripe_webhook

urlpatterns = [
    path("orders/<str:reference>/payment/", OrderPaymentApi.as_view(), name="order-payment"),
    path("orders/<str:reference>/cancel/", OrderCancelApi.as_view(), name="order-cancel"),
    path("payments/stripe/webhook/", stripe_webhook, name="stripe-webhook"),
]
