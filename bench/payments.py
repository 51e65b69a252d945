"""Payment webhooks under load: signed Stripe events marking orders paid (PostgreSQL, gunicorn).

Prints events/s and p50/p95 of POST /api/v1/payments/stripe/webhook/ for first deliveries
(signature, event recorded once, payment and order locked, amount checked, order paid,
status history) and for redeliveries of events already handled, beside a baseline that only
verifies the signature and updates the order's status. Then audits: every order paid once,
every event recorded once.

    python bench/payments.py [--seconds 12] [--concurrency 16] [--workers 4]
"""

import argparse
import itertools
import os
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import bench_order, django_env, gunicorn, load, print_table, scratch_database_url

SECRET = "whsec_bench_" + "b" * 24
ORDERS = 60_000
# Orders whose open payment a guest asks for again (POST .../payment/ answers 200 with it).
ASKED = 2_000


def _token(reference: str) -> str:
    return f"bench-token-{reference}"


def setup() -> list[tuple[str, str]]:
    """Make placed orders, each with an open payment; return (reference, intent id) pairs."""
    import django
    from django.core.management import call_command

    django.setup()
    from catalog.models import Category, Product
    from orders.models import Order, OrderLine
    from payments.models import Payment

    call_command("migrate", verbosity=0)
    category = Category.objects.create(name="Bench", slug="bench")
    product = Product.objects.create(
        sku="PAY-1", name="Paid", slug="paid", category=category, price=Decimal("9.90"), stock=0
    )
    from orders.tokens import token_hash

    orders = Order.objects.bulk_create(
        bench_order(f"B{n:09d}", Decimal("9.90"), access_token_hash=token_hash(_token(f"B{n:09d}")))
        for n in range(ORDERS + ASKED)
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product=product,
            sku="PAY-1",
            name="Paid",
            unit_price=Decimal("9.90"),
            quantity=1,
            line_total=Decimal("9.90"),
        )
        for order in orders
    )
    Payment.objects.bulk_create(
        Payment(
            order=order,
            provider="stripe",
            provider_id=f"pi_bench_{order.reference}",
            amount=Decimal("9.90"),
            currency="EUR",
        )
        for order in orders
    )
    from django.db import connection

    connection.close()
    return [(order.reference, f"pi_bench_{order.reference}") for order in orders]


def _ask_for_payment(path: str, references: list[str]):
    """Requests asking for an order's payment again, as a guest's page does on reload."""
    cycle = itertools.cycle(references)

    def make(worker, n):
        reference = next(cycle)
        return "POST", path.format(reference), b"", {"X-Order-Token": _token(reference)}

    return make


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    environment = django_env(
        scratch_database_url("bench_payments"),
        PAYMENTS_PROVIDER="stripe",
        STRIPE_WEBHOOK_SECRET=SECRET,
        # One loopback address asks for every payment: the per-client throttle would refuse it.
        SHOP_PAYMENT_THROTTLE="100000000/min",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    os.environ.update(environment)
    everything = setup()
    pairs, asked = everything[:ORDERS], [reference for reference, _ in everything[ORDERS:]]
    from payments.providers import event_payload, event_sign

    def events(path, source):
        def make(worker, n):
            reference, intent = next(source)
            payload = event_payload(
                type="payment_intent.succeeded",
                intent_id=intent,
                amount_minor=990,
                currency="EUR",
                reference=reference,
            )
            headers = {
                "Content-Type": "application/json",
                "Stripe-Signature": event_sign(payload, SECRET),
            }
            return "POST", path, payload, headers

        return make

    # Each side pays orders of its own: the baseline the first third, the webhook the rest.
    third = len(pairs) // 3
    baseline_orders = iter(pairs[:third])
    webhook_orders = iter(pairs[third:])
    results = {}
    with gunicorn(environment, workers=args.workers) as port:
        results["baseline (verify + UPDATE)"] = load(
            "baseline", port, events("/baseline/webhook/", baseline_orders),
            concurrency=args.concurrency, seconds=args.seconds,
        )  # fmt: skip
        results["webhook, first delivery"] = load(
            "webhook", port, events("/api/v1/payments/stripe/webhook/", webhook_orders),
            concurrency=args.concurrency, seconds=args.seconds,
        )  # fmt: skip
        # Redeliveries: events already handled, again (Stripe retries until it sees a 2xx).
        replays = itertools.cycle(_redeliveries(pairs[third:]))

        def redeliver(worker, n):
            payload = next(replays)
            headers = {
                "Content-Type": "application/json",
                "Stripe-Signature": event_sign(payload, SECRET),
            }
            return "POST", "/api/v1/payments/stripe/webhook/", payload, headers

        results["webhook, redelivery"] = load(
            "redelivery", port, redeliver, concurrency=args.concurrency, seconds=args.seconds / 2
        )
        payment_start = {
            "baseline (look up, answer)": load(
                "payment baseline", port, _ask_for_payment("/baseline/payment/{}/", asked),
                concurrency=args.concurrency, seconds=args.seconds / 2,
            ),
            "POST /api/v1/orders/{reference}/payment/ (open payment again)": load(
                "payment", port, _ask_for_payment("/api/v1/orders/{}/payment/", asked),
                concurrency=args.concurrency, seconds=args.seconds / 2,
            ),
        }  # fmt: skip
        audit = _audit()

    print_table(
        f"Stripe webhooks, {args.concurrency} clients, gunicorn {args.workers} workers, PostgreSQL",
        ["request", "events/s", "p50 ms", "p95 ms", "200", "other", "vs baseline"],
        _rows(results, "baseline (verify + UPDATE)"),
    )
    print_table(
        f"Asking for a payment, {args.concurrency} clients, gunicorn {args.workers} workers",
        ["request", "req/s", "p50 ms", "p95 ms", "200", "other", "vs baseline"],
        _rows(payment_start, "baseline (look up, answer)"),
    )
    print_table("Audit", ["check", "value"], audit)


def _rows(results: dict, baseline: str) -> list[list[str]]:
    """One table row a measured side: rate, latencies, answers and the ratio to `baseline`."""
    base = results[baseline].throughput
    return [
        [
            name,
            f"{r.throughput:.0f}",
            f"{r.percentile(50):.1f}",
            f"{r.percentile(95):.1f}",
            str(r.statuses.get(200, 0)),
            str(sum(n for s, n in r.statuses.items() if s != 200)),
            f"{r.throughput / base:.2f}x",
        ]
        for name, r in results.items()
    ]


def _redeliveries(pairs: list[tuple[str, str]]) -> list[bytes]:
    """Bodies of events the shop has recorded (their ids are what makes them repeats)."""
    import json

    from payments.models import WebhookEvent
    from payments.providers import event_payload

    ids = WebhookEvent.objects.order_by("id").values_list("event_id", flat=True)[:5000]
    assert ids, "no event was handled"
    bodies = []
    for event_id, (reference, intent) in zip(ids, pairs, strict=False):
        body = json.loads(
            event_payload(
                type="payment_intent.succeeded",
                intent_id=intent,
                amount_minor=990,
                currency="EUR",
                reference=reference,
            )
        )
        body["id"] = event_id
        bodies.append(json.dumps(body).encode())
    return bodies


def _audit() -> list[list[str]]:
    from django.db.models import Count

    from orders.models import Order, OrderStatusChange
    from payments.models import Payment, WebhookEvent

    paid_twice = (
        OrderStatusChange.objects.filter(to_status="paid")
        .values("order")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    webhook_paid = Payment.objects.filter(status="succeeded").count()
    return [
        ["events recorded", str(WebhookEvent.objects.count())],
        ["payments succeeded (webhook)", str(webhook_paid)],
        ["orders paid (both sides)", str(Order.objects.filter(status="paid").count())],
        ["orders with two 'paid' changes", str(paid_twice)],
        [
            "payments succeeded without an event",
            str(max(0, webhook_paid - WebhookEvent.objects.count())),
        ],
    ]


if __name__ == "__main__":
    main()
