from django.urls import path

from payments.apis import OrderPaymentApi, stripe_webhook

urlpatterns = [
    path("orders/<str:reference>/payment/", OrderPaymentApi.as_view(), name="order-payment"),
    path("payments/stripe/webhook/", stripe_webhook, name="stripe-webhook"),
]
