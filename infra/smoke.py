"""Smoke-test the Lambda zip: Zappa's handler, in an isolated interpreter, with API events.

The zip is unpacked into a temporary folder and run by `python -I -S -B` with only that folder
on sys.path: nothing of the development environment is visible, so a module missing from the
artifact fails here. Production settings, a SQLite database in the temporary folder, no AWS.

    python infra/smoke.py build/shop-dev.zip
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile
import zipfile
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

class Context:
    aws_request_id = "smoke-request"
    function_name = "shop-smoke"
    memory_limit_in_mb = 512
    def get_remaining_time_in_millis(self):
        return 30000

def http(method, path, body=None):
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
    response = handler.lambda_handler(event, Context())
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


def isolated_env(workdir: str) -> dict[str, str]:
    """Production settings with placeholder secrets, a SQLite database, no AWS."""
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
        "REPORTS_ROOT": f"{workdir}/reports",
        "MEDIA_ROOT": f"{workdir}/media",
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


def smoke(archive: Path) -> dict:
    with tempfile.TemporaryDirectory() as workdir:
        package = Path(workdir) / "task"
        with zipfile.ZipFile(archive) as source:
            source.extractall(package)
        result = run_isolated(package, CHILD, isolated_env(workdir))
        lines = [line for line in result.stdout.splitlines() if line.startswith("SMOKE ")]
        if result.returncode != 0 or not lines:
            sys.stderr.write(result.stdout[-5000:] + result.stderr[-10000:])
            raise SystemExit("Smoke test of the Lambda package failed.")
        return json.loads(lines[-1].removeprefix("SMOKE "))


if __name__ == "__main__":
    for check, outcome in smoke(Path(sys.argv[1])).items():
        print(f"ok  {check}: {outcome}")
