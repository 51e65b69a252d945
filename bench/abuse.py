"""The abuse scenarios of the security work, measured against a live app with default limits.

One client address hoards stock with unpaid guest orders; one signed-in customer tries to
empty the catalog with two orders; one attacker aims order emails at one victim (as a
customer naming the victim, and as guests using the victim's address). Prints what each
achieved: units held and for how long, units taken, emails delivered to the victim.

    python bench/abuse.py        (PostgreSQL from BENCH_DATABASE_URL, like the other benchmarks)
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import PYTHON, ROOT, django_env, free_port, request, scratch_database_url

ADDRESS = {"line1": "Main Street 1", "city": "Oslo", "postal_code": "0150", "country": "NO"}


def _post(port, path, body, **headers):
    status, raw = request(
        "POST",
        port,
        path,
        json.dumps(body).encode(),
        {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4()), **headers},
    )
    return status, json.loads(raw or b"{}")


def _catalog(port) -> dict[int, int]:
    _, raw = request("GET", port, "/api/v1/products/?page_size=100&in_stock=true")
    return {p["id"]: p["stock"] for p in json.loads(raw)["results"]}


def _guest(name, email):
    return {"customer": {"name": name, "email": email}, "shipping_address": ADDRESS}


def main() -> None:
    # The console backend, as in a local run: the server's output is where emails go.
    mails = Path(tempfile.mkdtemp(prefix="bench-abuse-")) / "server.log"
    port = free_port()
    environment = django_env(
        scratch_database_url("bench_abuse"),
        DEBUG="false",
        LOCAL_BASE_URL=f"http://127.0.0.1:{port}",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    # The shop's own settings and URLs (the local sign-in stand-in), not bench.settings.
    environment["DJANGO_SETTINGS_MODULE"] = "shop.settings"
    os.environ.update(environment)
    manage = [PYTHON, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True)
    subprocess.run([*manage, "seed_demo"], cwd=ROOT, check=True, capture_output=True)
    token = subprocess.run(
        [*manage, "local_id_token", "--email", "greedy@example.org"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    log = mails.open("w")
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "shop.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "2"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                if request("GET", port, "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        # Between scenarios a minute passes (fresh throttle budgets) and the unpaid orders
        # are released the way the expiry job releases them, so each starts from scratch.
        rows = [_hoarding(port)]
        _release(manage)
        rows.append(_customer(port, token))
        _release(manage)
        rows.extend(_mail(port, token, mails))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("| scenario | requests | answers | outcome |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def _release(manage: list[str]) -> None:
    """Age every unpaid order past its window and run the expiry job; wait out throttles."""
    subprocess.run(
        [
            *manage,
            "shell",
            "--no-imports",
            "-c",
            "from datetime import timedelta; from django.utils import timezone; "
            "from orders.models import Order; Order.objects.filter(status='placed')"
            ".update(created_at=timezone.now() - timedelta(hours=1))",
        ],
        cwd=ROOT,
        check=True,
    )
    subprocess.run([*manage, "expire_unpaid_orders"], cwd=ROOT, check=True, capture_output=True)
    time.sleep(61)


def _hoarding(port) -> list[str]:
    """83 guest orders of up to 20 units from one address, each with a new email."""
    stock = _catalog(port)
    held, codes, started = 0, Counter(), time.monotonic()
    for n, (pid, units) in enumerate(sorted(stock.items(), key=lambda kv: -kv[1])[:83]):
        quantity = min(units, 20)
        body = {
            **_guest("Hoarder", f"hoarder{n}@example.org"),
            "items": [{"product_id": pid, "quantity": quantity}],
        }
        status, _ = _post(port, "/api/v1/orders/", body)
        codes[status] += 1
        held += quantity if status == 201 else 0
    seconds = time.monotonic() - started
    return [
        "one guest address hoards with unpaid orders",
        f"{sum(codes.values())} in {seconds:.0f} s",
        ", ".join(f"{c} x {s}" for s, c in sorted(codes.items())),
        f"{held} of {sum(stock.values())} units held, released after 10 minutes unless paying "
        "starts (then 30)",
    ]


def _customer(port, token) -> list[str]:
    """Two orders of every product in stock at min(stock, 99), with one token."""
    auth = {"Authorization": f"Bearer {token}"}
    before = sum(_catalog(port).values())
    codes = Counter()
    for _ in range(2):
        items = [{"product_id": p, "quantity": min(n, 99)} for p, n in _catalog(port).items()][:50]
        status, _ = _post(
            port, "/api/v1/orders/", {"shipping_address": ADDRESS, "items": items}, **auth
        )
        codes[status] += 1
    taken = before - sum(_catalog(port).values())
    return [
        "one customer, two orders of everything",
        "2",
        ", ".join(f"{c} x {s}" for s, c in sorted(codes.items())),
        f"{taken} of {before} units taken",
    ]


def _victim_mails(log: Path) -> int:
    return log.read_text(errors="replace").count("To: victim@example.org")


def _mail(port, token, mails) -> list[list[str]]:
    auth = {"Authorization": f"Bearer {token}"}
    pid = max(_catalog(port).items(), key=lambda kv: kv[1])[0]
    codes: Counter[int] = Counter()
    for _ in range(100):
        body = {
            "customer": {"name": "Victim", "email": "victim@example.org"},
            "shipping_address": ADDRESS,
            "items": [{"product_id": pid, "quantity": 1}],
        }
        codes[_post(port, "/api/v1/orders/", body, **auth)[0]] += 1
    as_customer = [
        "a customer names the victim's email",
        "100",
        ", ".join(f"{c} x {s}" for s, c in sorted(codes.items())),
        f"{_victim_mails(mails)} emails to the victim",
    ]
    codes = Counter()
    for _ in range(60):
        body = {
            **_guest("Victim", "victim@example.org"),
            "items": [{"product_id": pid, "quantity": 1}],
        }
        codes[_post(port, "/api/v1/orders/", body)[0]] += 1
    time.sleep(1)
    as_guest = [
        "guests use the victim's email",
        "60",
        ", ".join(f"{c} x {s}" for s, c in sorted(codes.items())),
        f"{_victim_mails(mails)} emails to the victim in the hour",
    ]
    return [as_customer, as_guest]


if __name__ == "__main__":
    main()
