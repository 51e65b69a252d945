"""The local default database takes a few buyers at once: 20 guest orders placed together on
SQLite under gunicorn's workers all succeed (or are told of a conflict), none 503."""

import os
import sqlite3
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.faults.servers import ROOT, shop_process
from tests.orders.bodies import order_body


@pytest.mark.parametrize("server", ["make run's development server", "gunicorn"])
def test_twenty_guest_orders_at_once_on_sqlite(tmp_path, server):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "SHOP_ORDER_THROTTLE_ANON": "100000/min",
        "SHOP_MAX_UNPAID_UNITS_PER_CLIENT": "100000",
        "SHOP_MAX_EMAILS_PER_RECIPIENT_HOUR": "100000",
    }
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings", **env},
            check=True,
            capture_output=True,
        )
    runserver = server != "gunicorn"
    with shop_process(env, workers=2, threads=4, runserver=runserver) as base:
        products = requests.get(
            f"{base}/api/v1/products/?page_size=100&in_stock=true", timeout=30
        ).json()["results"]
        ids = [p["id"] for p in sorted(products, key=lambda p: -p["stock"])[:5]]

        def place(i: int) -> int:
            body = order_body((ids[i % len(ids)], 1))
            body["customer"]["email"] = f"buyer{i}@example.org"
            return requests.post(
                f"{base}/api/v1/orders/",
                json=body,
                headers={"Idempotency-Key": str(uuid.uuid4())},
                timeout=60,
            ).status_code

        with ThreadPoolExecutor(20) as pool:
            codes = list(pool.map(place, range(20)))
        assert set(codes) <= {201, 409}, sorted(codes)
    with sqlite3.connect(tmp_path / "shop.sqlite3") as db:
        (placed,) = db.execute(
            "SELECT count(*) FROM orders_order WHERE email LIKE 'buyer%@example.org'"
        ).fetchone()
    assert placed == codes.count(201)
