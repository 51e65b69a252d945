"""Conflicts named as conflicts (PostgreSQL): retried once by the service, then 409, never 503.

Real conflicts, made by holding rows from another connection: a lock timeout (55P03) and a
deadlock (40P01). A database that does not answer stays 503 `database_unavailable`.
"""

import threading
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client

from catalog.models import Product
from orders.models import Order, OrderStatus
from shop.db import ChangedMeanwhile, conflict_retried
from tests.concurrency import all_at_once
from tests.factories import ProductFactory, SuperuserFactory
from tests.orders.bodies import order_body

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@contextmanager
def row_held(model, pk: int, done: threading.Event | None = None):
    """Hold a row's lock from another connection until the block ends (or `done` is set)."""
    taken, done = threading.Event(), done or threading.Event()

    def hold():
        try:
            with transaction.atomic():
                model.objects.select_for_update().get(pk=pk)
                taken.set()
                done.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(timeout=10)
    try:
        yield
    finally:
        done.set()
        holder.join(timeout=30)


@contextmanager
def lock_timeout(ms: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = '{ms}ms'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


@pytest.fixture
def guest_order():
    product = ProductFactory(stock=5)
    body = (
        Client()
        .post("/api/v1/orders/", order_body((product.pk, 1)), content_type="application/json")
        .json()
    )
    return Order.objects.get(reference=body["reference"]), body["access_token"]


def test_a_cancel_that_keeps_meeting_a_lock_is_a_409_conflict_and_changes_nothing(guest_order):
    order, token = guest_order
    with row_held(Order, order.pk), lock_timeout(100):
        response = Client().post(
            f"/api/v1/orders/{order.reference}/cancel/",
            {},
            content_type="application/json",
            HTTP_X_ORDER_TOKEN=token,
        )

    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "conflict"
    assert response["Retry-After"] == "1"
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert [c.to_status for c in order.status_changes.all()] == ["placed"]


def test_the_admin_says_the_order_changed_meanwhile_instead_of_a_500(guest_order):
    order, _ = guest_order
    employee = Client()
    employee.force_login(SuperuserFactory())
    with row_held(Order, order.pk), lock_timeout(100):
        page = employee.post(
            f"/admin/orders/order/{order.pk}/change/", {"_set_status": "cancelled"}, follow=True
        )

    assert page.status_code == 200
    assert "changed this at the same moment; nothing was saved" in page.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED


def test_a_conflict_is_retried_once_and_the_retry_goes_through():
    product = ProductFactory(stock=5)
    calls = []
    release = threading.Event()

    @conflict_retried
    def take_one():
        calls.append(1)
        if len(calls) == 2:
            release.set()  # the other transaction ends before the retry asks again
        with transaction.atomic():
            locked = Product.objects.select_for_update(nowait=len(calls) == 1).get(pk=product.pk)
            Product.objects.filter(pk=locked.pk).update(stock=locked.stock - 1)

    with row_held(Product, product.pk, done=release):
        take_one()

    assert len(calls) == 2
    assert Product.objects.get(pk=product.pk).stock == 4  # the aborted try wrote nothing


def test_a_real_deadlock_is_retried_and_both_sides_finish():
    a, b = ProductFactory(stock=10), ProductFactory(stock=10)
    both_hold_one = threading.Barrier(2)
    tries = []

    def crossing(first, second):
        @conflict_retried
        def move():
            tries.append(first.pk)
            with transaction.atomic():
                Product.objects.select_for_update().get(pk=first.pk)
                if len(tries) <= 2:
                    both_hold_one.wait(timeout=10)  # each holds one row, then asks the other
                Product.objects.select_for_update().get(pk=second.pk)
                Product.objects.filter(pk__in=[first.pk, second.pk]).update(stock=0)
            return "done"

        return move

    results = all_at_once([crossing(a, b), crossing(b, a)])

    assert results == ["done", "done"]
    assert len(tries) == 3  # PostgreSQL aborted one side; its retry went through


def test_inside_a_callers_transaction_the_conflict_goes_up_to_whoever_can_retry():
    product = ProductFactory(stock=5)

    @conflict_retried
    def take_nowait():
        with transaction.atomic():
            Product.objects.select_for_update(nowait=True).get(pk=product.pk)

    with row_held(Product, product.pk):
        with pytest.raises(OperationalError), transaction.atomic():
            take_nowait()
        # Outside any transaction the same conflict, twice, is a ChangedMeanwhile.
        with pytest.raises(ChangedMeanwhile):
            take_nowait()
