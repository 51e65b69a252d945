"""What signing in costs: customer endpoints with a Cognito ID token vs. without authentication.

`GET /api/v1/me/` and `GET /api/v1/cart/` with `Authorization: Bearer <ID token>` (RS256
signature, claims, the customer looked up by `sub`), beside the very same views signed in by
a fixed customer id and no token at all (one user lookup, no cryptography). The JWKS comes
from a stand-in issuer on loopback, downloaded once per worker. Target: at most 15 % added
latency at p50.

    python bench/auth.py [--seconds 12] [--rounds 4] [--concurrency 4]
"""

import argparse
import os
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    compare,
    django_env,
    gunicorn,
    print_table,
    request,
    scratch_database_url,
)
from tests.cognito_standin import AUDIENCE, POOL, StandInIssuer


def setup(issuer: StandInIssuer) -> tuple[str, int]:
    """Make the customer (through the real sign-in code) with a 3-line cart."""
    import django
    from django.core.management import call_command

    django.setup()
    from catalog.models import Category, Product
    from orders.cart.services import cart_item_set
    from shop.cognito import token_validator

    call_command("migrate", verbosity=0)
    token = issuer.token(sub="bench-customer", email="bench@example.com")
    user = django.contrib.auth.get_user_model().objects.get_or_create_for_cognito(
        token_validator().validate(token)
    )
    category = Category.objects.create(name="Bench", slug="bench")
    for n in range(3):
        product = Product.objects.create(
            sku=f"B-{n}",
            name=f"Bench {n}",
            slug=f"bench-{n}",
            category=category,
            price=Decimal("5.00") + n,
            stock=100,
        )
        cart_item_set(user=user, product_id=product.pk, quantity=n + 1)
    from django.db import connection

    connection.close()
    return token, user.pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=12.0, help="per side and request")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()

    issuer = StandInIssuer()
    environment = django_env(
        scratch_database_url("bench_auth"),
        COGNITO_AWS_REGION="eu-north-1",
        COGNITO_USER_POOL=POOL,
        COGNITO_AUDIENCE=AUDIENCE,
        COGNITO_ISSUER=issuer.issuer_url,
        COGNITO_JWKS_URL=issuer.jwks_url,
    )
    os.environ.update(environment)
    token, customer = setup(issuer)
    issuer.downloads = 0  # count only what the served app downloads
    bearer = {"Authorization": f"Bearer {token}"}

    def get(path, headers):
        return lambda worker, n: ("GET", path, None, headers)

    scenarios = [
        (
            "GET /api/v1/me/",
            get(f"/baseline/me/?customer={customer}", {}),
            get("/api/v1/me/", bearer),
        ),
        (
            "GET /api/v1/cart/",
            get(f"/baseline/cart/?customer={customer}", {}),
            get("/api/v1/cart/", bearer),
        ),
    ]
    rows = []
    with gunicorn(environment, workers=args.workers) as port:
        for _ in range(4 * args.workers):  # every worker fetches the keys before measuring
            status, body = request("GET", port, "/api/v1/me/", headers=bearer)
            assert status == 200, body
        for label, baseline, signed in scenarios:
            measured = compare(
                label,
                port,
                {"baseline": baseline, "token": signed},
                concurrency=args.concurrency,
                seconds=args.seconds,
                rounds=args.rounds,
            )
            base, signed_r = measured["baseline"], measured["token"]
            added = signed_r.percentile(50) / base.percentile(50) - 1
            rows.append(
                [
                    label,
                    f"{base.throughput:.0f}",
                    f"{signed_r.throughput:.0f}",
                    f"{base.percentile(50):.2f}",
                    f"{signed_r.percentile(50):.2f}",
                    f"{added:+.1%}",
                    f"{base.percentile(95):.2f}",
                    f"{signed_r.percentile(95):.2f}",
                ]
            )
    issuer.stop()
    print_table(
        f"Token validation overhead (PostgreSQL, gunicorn {args.workers} workers, "
        f"{args.concurrency} clients, {args.seconds:.0f} s each)",
        [
            "request",
            "no-auth req/s",
            "token req/s",
            "no-auth p50 ms",
            "token p50 ms",
            "added at p50",
            "no-auth p95 ms",
            "token p95 ms",
        ],
        rows,
    )
    print(f"\nJWKS downloads during the run: {issuer.downloads} (one per worker at most).")
    print("Target: at most +15 % at p50.")


if __name__ == "__main__":
    main()
