"""Smoke-test the Lambda zip: Zappa's handler, in an isolated interpreter, with API events.

The zip is unpacked into a temporary folder and run by `python -I -S -B` with only that folder
on sys.path: nothing of the development environment is visible, so a module missing from the
artifact fails here. Production settings, a SQLite database in the temporary folder, and
moto's server standing in for S3 (images, static files published from build/static/, private
reports) and SES: the packaged boto3, django-storages and django-ses really talk to it.

    python infra/smoke.py build/shop-dev.zip build/static
"""

import json
import logging
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

CHILD = r"""
import json, os, sys
package = sys.argv[1]
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
product = Product.objects.create(sku="SMOKE-1", name="Smoke test", slug="smoke-test",
                                 category=category, price=Decimal("9.90"), stock=5)

import handler  # Zappa's entry point at the root of the zip

# What SnapStart runs around the snapshot (shop/snapstart.py), then requests as after a restore.
from shop import snapstart
snapstart.before_snapshot()
snapstart.after_restore()

class Context:
    aws_request_id = "smoke-request"
    function_name = "shop-smoke"
    memory_limit_in_mb = 512
    def get_remaining_time_in_millis(self):
        return 30000

def call(method, path, body=None):
    event = {
        "httpMethod": method, "path": path, "resource": "/{proxy+}",
        "headers": {"Host": "smoke.example.com", "X-Forwarded-Proto": "https",
                    "Content-Type": "application/json", "Accept": "application/json"},
        "multiValueHeaders": {}, "queryStringParameters": None,
        "multiValueQueryStringParameters": None, "pathParameters": {"proxy": path.lstrip("/")},
        "requestContext": {"identity": {"sourceIp": "127.0.0.1", "userAgent": "smoke"},
                           "stage": "dev", "requestId": "smoke-request"},
        "stageVariables": None, "isBase64Encoded": False,
        "body": json.dumps(body) if body is not None else None,
    }
    return handler.lambda_handler(event, Context())

def http(method, path, body=None):
    response = call(method, path, body)
    return response["statusCode"], json.loads(response["body"] or "null")

results = {}
status, body = http("GET", "/api/v1/products/")
assert status == 200 and body["results"][0]["sku"] == "SMOKE-1", (status, body)
results["GET /api/v1/products/"] = status

order = {
    "customer": {"name": "Smoke", "email": "smoke@example.com"},
    "shipping_address": {"line1": "1 Road", "city": "Oslo", "postal_code": "1", "country": "NO"},
    "items": [{"product_id": product.pk, "quantity": 2}],
}
status, body = http("POST", "/api/v1/orders/", order)
assert status == 201 and body["total"] == "19.80", (status, body)
results["POST /api/v1/orders/"] = status

status, body = http("GET", "/api/v1/nowhere/")
assert status == 404 and body["error"]["code"] == "not_found", (status, body)
results["GET /api/v1/nowhere/"] = status

# The admin's pages name static files by their hashed names, from the shipped manifest.
import re
response = call("GET", "/admin/login/")
assert response["statusCode"] == 200, response
stylesheet = re.search(r'href="([^"]+/admin/css/base\.[0-9a-f]{12}\.css)"', response["body"])
assert stylesheet, response["body"][:2000]
results["GET /admin/login/"] = response["statusCode"]
results["stylesheet"] = stylesheet.group(1)

from reports.models import Report
report = Report.objects.create(kinds=["orders"], date_from="2020-01-01", date_to="2020-01-02")
handler.lambda_handler({
    "command": "zappa.asynchronous.route_lambda_task",
    "task_path": "reports.tasks.report_generate_task",
    "capture_response": False, "response_id": None,
    "args": [str(report.pk)], "kwargs": {},
}, Context())
report.refresh_from_db()
assert report.status == "succeeded", (report.status, report.error)
results["async task reports.tasks.report_generate_task"] = report.status
results["report file"] = report.files.get().storage_name
# Every AWS client the app makes must find its model in the (trimmed) botocore; building a
# client and presigning a URL are local work, no request leaves the machine.
import boto3
for service in ("s3", "ses", "sesv2", "lambda", "sns", "sts", "dynamodb", "sso", "sso-oidc"):
    boto3.client(service, region_name="eu-north-1", aws_access_key_id="x",
                 aws_secret_access_key="x")
from storages.backends.s3 import S3Storage
url = S3Storage(bucket_name="reports", querystring_auth=True, signature_version="s3v4",
                region_name="eu-north-1", access_key="x", secret_key="x").url("r/orders.html")
assert "X-Amz-Signature=" in url, url
from django_ses import SESBackend
SESBackend(aws_access_key="x", aws_secret_key="x", aws_region_name="eu-north-1").open()
results["AWS clients (s3, ses, sesv2, lambda, sns, sts, dynamodb, sso)"] = "built"
print("SMOKE " + json.dumps(results))
"""


BUCKETS = {"media": "smoke-media", "static": "smoke-static", "reports": "smoke-reports"}
SENDER = "shop@smoke.example.com"


def isolated_env(workdir: str, aws_url: str) -> dict[str, str]:
    """Production settings with throwaway secrets, SQLite, and aws_url standing in for AWS."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": workdir,
        "LANG": "C.UTF-8",
        "SHOP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{workdir}/smoke.sqlite3",
        "ALLOWED_HOSTS": "smoke.example.com",
        "COGNITO_AWS_REGION": "eu-north-1",
        "COGNITO_USER_POOL": "eu-north-1_smoke",
        "COGNITO_AUDIENCE": "smoke-client",
        "SHOP_BASE_URL": "https://smoke.example.com",
        "AWS_ACCESS_KEY_ID": "smoke",
        "AWS_SECRET_ACCESS_KEY": "smoke",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_S3_ENDPOINT_URL": aws_url,
        "AWS_STORAGE_BUCKET_NAME": BUCKETS["media"],
        "STATIC_BUCKET_NAME": BUCKETS["static"],
        "REPORTS_BUCKET_NAME": BUCKETS["reports"],
        "AWS_SES_REGION_NAME": "us-east-1",
        "AWS_SES_REGION_ENDPOINT_URL": aws_url,
        "DEFAULT_FROM_EMAIL": SENDER,
        "LOG_LEVEL": "WARNING",
    }


def run_isolated(package: Path, script: str, environment: dict[str, str]):
    """Run a script where only the unpacked package is importable."""
    return subprocess.run(
        # -I: no PYTHON* variables, no user site; -S: no site-packages at all (a venv's or
        # the system's); -B: write no bytecode. Only the unpacked zip is importable.
        [sys.executable, "-I", "-S", "-B", "-c", script, str(package)],
        cwd=environment["HOME"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


@contextmanager
def moto_server():
    """moto's server on a free loopback port: AWS over real HTTP (also the tests' fixture)."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def smoke(archive: Path, static_root: Path) -> dict:
    import boto3

    with tempfile.TemporaryDirectory() as workdir, moto_server() as aws_url:
        environment = isolated_env(workdir, aws_url)
        aws = {
            "endpoint_url": aws_url,
            "region_name": "us-east-1",
            "aws_access_key_id": "smoke",
            "aws_secret_access_key": "smoke",
        }
        s3 = boto3.client("s3", **aws)
        for bucket in BUCKETS.values():
            s3.create_bucket(Bucket=bucket)
        boto3.client("ses", **aws).verify_email_identity(EmailAddress=SENDER)
        sys.path.insert(0, str(Path(__file__).parent))
        from publish_static import publish

        publish(static_root, bucket=BUCKETS["static"], prefix="static", client=s3)

        package = Path(workdir) / "task"
        with zipfile.ZipFile(archive) as source:
            source.extractall(package)
        result = run_isolated(package, CHILD, environment)
        lines = [line for line in result.stdout.splitlines() if line.startswith("SMOKE ")]
        if result.returncode != 0 or not lines:
            sys.stderr.write(result.stdout[-5000:] + result.stderr[-10000:])
            raise SystemExit("Smoke test of the Lambda package failed.")
        results = json.loads(lines[-1].removeprefix("SMOKE "))

        # What the function wrote and linked to is really in S3, and the email left by SES.
        key = "static/" + results.pop("stylesheet").split("/static/", 1)[1]
        stylesheet = s3.get_object(Bucket=BUCKETS["static"], Key=key)
        assert stylesheet["ContentType"] == "text/css; charset=utf-8", stylesheet["ContentType"]
        assert "immutable" in stylesheet["CacheControl"], stylesheet["CacheControl"]
        results["static file the admin links to, on S3"] = key
        key = "reports/" + results.pop("report file")
        report = s3.get_object(Bucket=BUCKETS["reports"], Key=key)
        assert report["ContentType"].startswith("text/html"), report["ContentType"]
        results["report written to the private bucket"] = key
        sent = boto3.client("ses", **aws).get_send_quota()["SentLast24Hours"]
        assert sent >= 1, sent
        results["emails sent through SES"] = int(sent)
        return results


if __name__ == "__main__":
    static = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("build/static")
    for check, outcome in smoke(Path(sys.argv[1]), static).items():
        print(f"ok  {check}: {outcome}")
