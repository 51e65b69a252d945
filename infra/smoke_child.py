"""Run inside the isolated interpreter by infra/smoke.py: the Lambda package answers events.

Only the unpacked package (argv[1]) is importable here; nothing of this repository or of
the development environment is. Prints one line, SMOKE {json}, with what was checked.
"""

import json
import os
import re
import sys
from typing import Any


class Context:
    """What Lambda passes to the handler beside the event."""

    aws_request_id = "smoke-request"
    function_name = "shop-smoke"
    memory_limit_in_mb = 512

    def get_remaining_time_in_millis(self) -> int:
        return 30000


def api_event(method: str, path: str, body: Any = None, headers: dict | None = None) -> dict:
    """An API Gateway (REST, proxy) event, as Lambda hands it to Zappa's handler."""
    return {
        "httpMethod": method,
        "path": path,
        "resource": "/{proxy+}",
        "headers": {
            "Host": "smoke.example.com",
            "X-Forwarded-Proto": "https",
            "Content-Type": "application/json",
            "Accept": "application/json",
            **(headers or {}),
        },
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "requestContext": {
            "identity": {"sourceIp": "127.0.0.1", "userAgent": "smoke"},
            "stage": "dev",
            "requestId": "smoke-request",
        },
        "stageVariables": None,
        "isBase64Encoded": False,
        "body": body if isinstance(body, str) or body is None else json.dumps(body),
    }


def main(package: str) -> dict[str, Any]:
    sys.path[:0] = [package]
    os.chdir(package)
    leaks = [p for p in sys.path if "site-packages" in p or "dist-packages" in p]
    assert not leaks, f"the development environment is visible: {leaks}"

    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "shop.settings"
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from decimal import Decimal

    from catalog.models import Category, Product

    category = Category.objects.create(name="Smoke", slug="smoke")
    product = Product.objects.create(
        sku="SMOKE-1",
        name="Smoke test",
        slug="smoke-test",
        category=category,
        price=Decimal("9.90"),
        stock=5,
    )

    import handler  # Zappa's entry point at the root of the zip

    # What SnapStart runs around the snapshot (shop/snapstart.py), then requests as after a
    # restore.
    from shop import snapstart

    snapstart.before_snapshot()
    snapstart.after_restore()

    def call(method: str, path: str, body: Any = None, headers: dict | None = None) -> dict:
        return handler.lambda_handler(api_event(method, path, body, headers), Context())

    def http(method: str, path: str, body: Any = None, headers: dict | None = None):
        response = call(method, path, body, headers)
        return response["statusCode"], json.loads(response["body"] or "null")

    results: dict[str, Any] = {}
    status, body = http("GET", "/api/v1/products/")
    assert status == 200 and body["results"][0]["sku"] == "SMOKE-1", (status, body)
    results["GET /api/v1/products/"] = status

    order = {
        "customer": {"name": "Smoke", "email": "smoke@example.com"},
        "shipping_address": {
            "line1": "1 Road",
            "city": "Oslo",
            "postal_code": "1",
            "country": "NO",
        },
        "items": [{"product_id": product.pk, "quantity": 2}],
    }
    status, body = http("POST", "/api/v1/orders/", order)
    assert status == 201 and body["total"] == "19.80", (status, body)
    results["POST /api/v1/orders/"] = status

    # Stripe's signed webhook through Zappa's handler: the raw body reaches the signature
    # check intact and the order is paid. (The intent is recorded as if created at Stripe:
    # the smoke test makes no call to Stripe.)
    from orders.models import Order
    from payments.models import Payment
    from payments.providers import event_payload, event_sign

    placed = Order.objects.get(reference=body["reference"])
    Payment.objects.create(
        order=placed,
        provider="stripe",
        provider_id="pi_smoke",
        amount=placed.total,
        currency=placed.currency,
    )
    payload = event_payload(
        type="payment_intent.succeeded",
        intent_id="pi_smoke",
        amount_minor=1980,
        currency=placed.currency,
        reference=placed.reference,
    )
    secret = os.environ["STRIPE_WEBHOOK_SECRET"]
    webhook = "/api/v1/payments/stripe/webhook/"
    status, answer = http("POST", webhook, payload.decode(), {"Stripe-Signature": "t=1,v1=0"})
    assert status == 400 and answer["error"]["code"] == "invalid_webhook", (status, answer)
    signature = event_sign(payload, secret)
    status, answer = http("POST", webhook, payload.decode(), {"Stripe-Signature": signature})
    assert status == 200 and answer["outcome"] == "order paid", (status, answer)
    placed.refresh_from_db()
    assert placed.status == "paid", placed.status
    results["POST /api/v1/payments/stripe/webhook/ (signed; forged refused)"] = placed.status

    status, body = http("GET", "/api/v1/nowhere/")
    assert status == 404 and body["error"]["code"] == "not_found", (status, body)
    results["GET /api/v1/nowhere/"] = status

    # The admin's pages name static files by their hashed names, from the shipped manifest.
    response = call("GET", "/admin/login/")
    assert response["statusCode"] == 200, response
    stylesheet = re.search(r'href="([^"]+/admin/css/base\.[0-9a-f]{12}\.css)"', response["body"])
    assert stylesheet, response["body"][:2000]
    results["GET /admin/login/"] = response["statusCode"]
    results["stylesheet"] = stylesheet.group(1)

    from reports.models import Report

    report = Report.objects.create(kinds=["orders"], date_from="2020-01-01", date_to="2020-01-02")
    task = {
        "command": "zappa.asynchronous.route_lambda_task",
        "task_path": "reports.tasks.report_generate_task",
        "capture_response": False,
        "response_id": None,
        "args": [str(report.pk)],
        "kwargs": {},
    }
    handler.lambda_handler(task, Context())
    report.refresh_from_db()
    assert report.status == "succeeded", (report.status, report.error)
    results["async task reports.tasks.report_generate_task"] = report.status
    results["report file"] = report.files.get().storage_name

    # Every AWS client the app makes must find its model in the (trimmed) botocore; building
    # a client and presigning a URL are local work, no request leaves the machine.
    import boto3

    for service in ("s3", "ses", "sesv2", "lambda", "sns", "sts", "dynamodb", "sso", "sso-oidc"):
        boto3.client(
            service, region_name="eu-north-1", aws_access_key_id="x", aws_secret_access_key="x"
        )
    from storages.backends.s3 import S3Storage

    url = S3Storage(
        bucket_name="reports",
        querystring_auth=True,
        signature_version="s3v4",
        region_name="eu-north-1",
        access_key="x",
        secret_key="x",
    ).url("r/orders.html")
    assert "X-Amz-Signature=" in url, url
    from django_ses import SESBackend

    SESBackend(aws_access_key="x", aws_secret_key="x", aws_region_name="eu-north-1").open()
    results["AWS clients (s3, ses, sesv2, lambda, sns, sts, dynamodb, sso)"] = "built"

    # Stripe's services the shop calls load without the typing-only parameter modules.
    import stripe

    client = stripe.StripeClient("sk_test_smoke")
    services = [type(client.v1.payment_intents).__name__, type(client.v1.refunds).__name__]
    results["Stripe services"] = ", ".join(services)
    return results


if __name__ == "__main__":
    print("SMOKE " + json.dumps(main(sys.argv[1])))
