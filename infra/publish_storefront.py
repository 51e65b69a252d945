"""Upload the storefront's build (storefront/dist/ from `make storefront`) with its config.json.

One build serves every stage: what differs (the API, Cognito, Stripe's publishable key, the
shop's name) is in config.json, which the SPA reads at start. This writes it from the
stage's CloudFormation outputs (infra/shop.yaml) and the environment, then uploads the
build to the storefront bucket, which CloudFront serves:

* the hashed files under assets/ first, cached for a year (their names change when they do);
* then the other files (favicon, robots.txt...), cached five minutes;
* config.json and index.html last, never cached (no-cache: CloudFront and browsers ask
  again every time), so a new index.html never names an asset not yet uploaded. Old assets
  stay, for pages still open on the previous build.

    STRIPE_PUBLISHABLE_KEY=pk_live_... python infra/publish_storefront.py storefront/dist \\
        --stack shop-production [--shop-name "The Shop"] [--currency EUR] [--locale en-GB]

AWS credentials and region come from the usual places; AWS_S3_ENDPOINT_URL points it at
another endpoint (tests use moto's server). --dry-run prints config.json and the plan.
"""

import argparse
import json
import mimetypes
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from infra.zappa_stage import stack_outputs

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
NEVER = "no-cache"
# Uploaded last, in this order, never cached.
LAST = ("config.json", "index.html")


def content_type(name: str) -> str:
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.endswith(".webmanifest"):
        kind = "application/manifest+json"
    if kind.startswith("text/") or kind in {
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "image/svg+xml",
    }:
        kind += "; charset=utf-8"
    return kind


def plan(dist: Path) -> list[tuple[Path | None, str, str, str]]:
    """(file, key, content type, cache control) in upload order; config.json comes apart."""
    files = sorted(p for p in dist.rglob("*") if p.is_file())
    named = {p.relative_to(dist).as_posix(): p for p in files}
    if "index.html" not in named:
        raise SystemExit(f"{dist} holds no index.html: run `make storefront` first.")
    assets = [name for name in named if name.startswith("assets/")]
    others = [name for name in named if name not in assets and name not in LAST]
    uploads: list[tuple[Path | None, str, str, str]] = []
    uploads += [(named[n], n, content_type(n), IMMUTABLE) for n in assets]
    uploads += [(named[n], n, content_type(n), SHORT) for n in others]
    uploads.append((None, "config.json", content_type("config.json"), NEVER))
    uploads.append((named["index.html"], "index.html", content_type("index.html"), NEVER))
    return uploads


def storefront_config(
    outputs: dict[str, str],
    *,
    publishable_key: str,
    shop_name: str,
    currency: str,
    locale: str,
) -> dict[str, Any]:
    """The storefront's config.json for a stage, from its stack's outputs."""
    if not publishable_key.startswith("pk_"):
        raise SystemExit("STRIPE_PUBLISHABLE_KEY must be Stripe's publishable key (pk_...).")
    wanted = ("ShopApiOrigin", "CognitoAwsRegion", "CognitoUserPool", "CognitoAudience")
    missing = [key for key in (*wanted, "CognitoDomain") if not outputs.get(key)]
    if missing:
        raise SystemExit(f"The stack has no output {', '.join(missing)}: update it first.")
    region, pool = outputs["CognitoAwsRegion"], outputs["CognitoUserPool"]
    return {
        "apiBaseUrl": outputs["ShopApiOrigin"].rstrip("/"),
        "shopName": shop_name,
        "currency": currency,
        "locale": locale,
        "auth": {
            "authority": f"https://cognito-idp.{region}.amazonaws.com/{pool}",
            "clientId": outputs["CognitoAudience"],
            "domain": outputs["CognitoDomain"].rstrip("/"),
        },
        "payments": {"provider": "stripe", "publishableKey": publishable_key},
    }


def publish(dist: Path, config: dict[str, Any], *, bucket: str, client) -> int:
    """Upload the build and config.json in plan order; return how many objects."""
    uploads = plan(dist)
    for path, key, kind, cache in uploads:
        extra = {"ContentType": kind, "CacheControl": cache}
        if path is None:
            body = json.dumps(config, indent=2).encode()
            client.put_object(Bucket=bucket, Key=key, Body=body, **extra)
        else:
            client.upload_file(str(path), bucket, key, ExtraArgs=extra)
    return len(uploads)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path)
    parser.add_argument("--stack", required=True, help="the stage's stack, e.g. shop-production")
    parser.add_argument("--shop-name", default=os.environ.get("SHOP_NAME", "The Shop"))
    parser.add_argument("--currency", default=os.environ.get("SHOP_CURRENCY", "EUR"))
    parser.add_argument("--locale", default=os.environ.get("SHOP_LOCALE", "en-GB"))
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    outputs = stack_outputs(args.stack)
    config = storefront_config(
        outputs,
        publishable_key=os.environ.get("STRIPE_PUBLISHABLE_KEY", ""),
        shop_name=args.shop_name,
        currency=args.currency,
        locale=args.locale,
    )
    if args.dry_run:
        print(json.dumps(config, indent=2))
        for _, key, kind, cache in plan(args.dist):
            print(f"{key}\t{kind}\t{cache}")
        return
    import boto3

    client = boto3.client("s3", endpoint_url=os.environ.get("AWS_S3_ENDPOINT_URL") or None)
    bucket = outputs["StorefrontBucketName"]
    count = publish(args.dist, config, bucket=bucket, client=client)
    print(f"uploaded {count} files to s3://{bucket}/; {outputs['ShopStorefrontUrl']} serves them")


if __name__ == "__main__":
    main(sys.argv[1:])
