from django.urls import path

from payments.apis import OrderCancelApi, OrderPaymentApi, stripe_webhook

urlpatterns = [
    path("orders/<reference:reference>/payment/", OrderPaymentApi.as_view(), name="order-payment"),
    path("orders/<reference:reference>/cancel/", OrderCancelApi.as_view(), name="order-cancel"),
    path("payments/stripe/webhook/", stripe_webhook, name="stripe-webhook"),
]
