"""Upload collected static files (build/static/ from `make package`) to the static bucket.

Run before `zappa update`, so that the package's manifest never names a file S3 lacks.
Content-hashed copies are cached by browsers and CloudFront for a year (their name changes
when they do); the unhashed originals and the manifest for five minutes. Objects stay
private: CloudFront reads them through its origin access control.

    python infra/publish_static.py build/static --bucket shop-static-123 [--prefix static]

AWS credentials and region come from the usual places (environment, profile, role);
AWS_S3_ENDPOINT_URL points it at another endpoint (tests use moto's server).
"""

import argparse
import json
import mimetypes
import os
import sys
from pathlib import Path

import boto3

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


def plan(root: Path) -> list[tuple[Path, str, str, str]]:
    """Return (file, key, content type, cache control) for every collected file."""
    manifest = json.loads((root / "staticfiles.json").read_text())
    hashed = set(manifest["paths"].values())
    uploads = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in {
            "application/javascript",
            "application/json",
            "image/svg+xml",
        }:
            content_type += "; charset=utf-8"
        uploads.append((path, name, content_type, IMMUTABLE if name in hashed else SHORT))
    return uploads


def publish(root: Path, *, bucket: str, prefix: str, client) -> int:
    """Upload every file under root; return how many."""
    uploads = plan(root)
    for path, name, content_type, cache_control in uploads:
        client.upload_file(
            str(path),
            bucket,
            f"{prefix.strip('/')}/{name}" if prefix.strip("/") else name,
            ExtraArgs={"ContentType": content_type, "CacheControl": cache_control},
        )
    return len(uploads)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--prefix", default="static")
    args = parser.parse_args(argv)
    if not (args.root / "staticfiles.json").is_file():
        raise SystemExit(f"{args.root} holds no staticfiles.json: run `make package` first.")
    client = boto3.client("s3", endpoint_url=os.environ.get("AWS_S3_ENDPOINT_URL") or None)
    count = publish(args.root, bucket=args.bucket, prefix=args.prefix, client=client)
    print(f"uploaded {count} files to s3://{args.bucket}/{args.prefix.strip('/')}/")


if __name__ == "__main__":
    main(sys.argv[1:])
