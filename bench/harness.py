"""Shared benchmark plumbing: a scratch PostgreSQL database, gunicorn on loopback, a load loop.

Every benchmark measures its subject and a baseline in the same run and prints ratios, so a
busy or slow machine moves both numbers together.
"""

import http.client
import os
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def scratch_database_url(name: str) -> str:
    """Drop and create database `name` on the benchmark server; return its URL."""
    import psycopg

    server = os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER_URL)
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{name}"))


def django_env(database_url: str, **extra: str) -> dict[str, str]:
    """Environment for the app under benchmark: production-like, on the scratch database."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        SHOP_ENV="local",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return environment


def bench_order(reference: str, total: Decimal, **fields: Any):
    """An unsaved guest order of one buyer in Oslo, for bulk_create (Django must be set up)."""
    from orders.models import Order

    return Order(
        reference=reference,
        customer_name="Buyer",
        email="buyer@example.com",
        shipping_line1="1 Road",
        shipping_city="Oslo",
        shipping_postal_code="0150",
        shipping_country="NO",
        subtotal=total,
        total=total,
        currency="EUR",
        **fields,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(environment: dict[str, str], *, workers: int = 2, threads: int = 1):
    """Serve the app with gunicorn on a free loopback port; yield the port."""
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "shop.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _ = request("GET", port, "/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def request(
    method: str, port: int, path: str, body: bytes | None = None, headers: dict | None = None
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class LoadResult:
    label: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    # CPU the load generator itself used, as a share of one core: what the server did not get.
    client_cpu: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, q: int) -> float:
        """Latency percentile in milliseconds."""
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100)[q - 1] * 1000


def load(
    label: str,
    port: int,
    make_request,
    *,
    concurrency: int = 8,
    seconds: float = 8.0,
    warmup: float = 1.0,
) -> LoadResult:
    """Run `make_request(worker, n) -> (method, path, body, headers)` from threads, closed loop."""
    result = LoadResult(label=label, seconds=seconds)
    lock = threading.Lock()
    start = time.monotonic()
    measure_from, stop_at = start + warmup, start + warmup + seconds

    def worker(number: int) -> None:
        n = 0
        while (now := time.monotonic()) < stop_at:
            method, path, body, headers = make_request(number, n)
            began = time.perf_counter()
            status, _ = request(method, port, path, body, headers)
            elapsed = time.perf_counter() - began
            n += 1
            if now >= measure_from:
                with lock:
                    result.latencies.append(elapsed)
                    result.statuses[status] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = resource.getrusage(resource.RUSAGE_SELF)
    used = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    result.client_cpu = used / (time.monotonic() - start)
    return result


def print_table(title: str, headers: list[str], rows: list[list[str]]) -> None:
    """Print a Markdown table, so the output can go straight into docs and notes."""
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=True)]
    print(f"\n### {title}\n")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)) + " |")


def merged(results: list[LoadResult]) -> LoadResult:
    """Pool several rounds of the same load into one result."""
    total = LoadResult(label=results[0].label, seconds=sum(r.seconds for r in results))
    for result in results:
        total.latencies.extend(result.latencies)
        total.statuses.update(result.statuses)
    total.client_cpu = sum(r.client_cpu * r.seconds for r in results) / total.seconds
    return total


def compare(
    label: str,
    port: int,
    sides: dict[str, object],
    *,
    concurrency: int,
    seconds: float,
    rounds: int = 4,
    expected: frozenset[int] = frozenset({200}),
) -> dict[str, LoadResult]:
    """Measure each side (name -> request maker) in short rounds, ABBA order, pooled.

    Alternating rounds make drift on a shared machine (other jobs, CPU frequency) fall on
    every side alike instead of on whichever ran second.
    """
    runs: dict[str, list[LoadResult]] = {name: [] for name in sides}
    order = list(sides.items())
    for number in range(rounds):
        for name, make in order if number % 2 == 0 else order[::-1]:
            result = load(
                f"{label} {name}",
                port,
                make,
                concurrency=concurrency,
                seconds=seconds / rounds,
                warmup=0.5,
            )
            unexpected = set(result.statuses) - expected
            if unexpected:
                raise SystemExit(f"{label} {name}: unexpected answers {result.statuses}")
            runs[name].append(result)
    return {name: merged(results) for name, results in runs.items()}
