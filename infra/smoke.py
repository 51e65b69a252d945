"""Smoke-test the Lambda zip: Zappa's handler, in an isolated interpreter, with API events.

The zip is unpacked into a temporary folder and run by `python -I -S -B` with only that folder
on sys.path: nothing of the development environment is visible, so a module missing from the
artifact fails here. Production settings, a SQLite database in the temporary folder, and
moto's server standing in for S3 (images, static files published from build/static/, private
reports) and SES: the packaged boto3, django-storages and django-ses really talk to it.

    python -m infra.smoke build/shop-dev.zip build/static
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

# The program run inside the isolated interpreter, a file of its own (linted, real line numbers).
CHILD = Path(__file__).with_name("smoke_child.py")


SMOKE_WEBHOOK_SECRET = "whsec_smoke_" + secrets.token_hex(16)
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
        "STRIPE_SECRET_KEY": "sk_test_smoke",
        "STRIPE_WEBHOOK_SECRET": SMOKE_WEBHOOK_SECRET,
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


def run_isolated(package: Path, script: Path | str, environment: dict[str, str]):
    """Run a program (a file, or source text) where only the unpacked package is importable."""
    program = [str(script)] if isinstance(script, Path) else ["-c", script]
    return subprocess.run(
        # -I: no PYTHON* variables, no user site, not even the script's own folder; -S: no
        # site-packages at all (a venv's or the system's); -B: write no bytecode. Only the
        # unpacked zip is importable.
        [sys.executable, "-I", "-S", "-B", *program, str(package)],
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
        from infra.publish_static import publish

        publish(static_root, bucket=BUCKETS["static"], prefix="static", client=s3)

        package = Path(workdir) / "task"
        with zipfile.ZipFile(archive) as source:
            # The storefront is served from S3 by CloudFront; none of it (or its
            # node_modules) belongs in the function.
            stray = [n for n in source.namelist() if n.startswith(("storefront/", "node_modules/"))]
            assert not stray, f"the zip holds the storefront: {stray[:3]}"
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
