"""Moving orders through their statuses (orders.models.STATUS_TRANSITIONS), and their history."""

from django.db import transaction
from django.db.models import F

from catalog.models import Product, StockKind
from catalog.services import products_stock_changed, stock_movements_record
from orders.emails import order_email_queue
from orders.errors import InvalidStatusTransition, ShippingFactsMissing
from orders.locks import order_lock
from orders.models import (
    STATUS_TRANSITIONS,
    ChangeSource,
    Order,
    OrderStatus,
    OrderStatusChange,
)
from orders.services.stock import sold_changes, stock_take
from orders.shipping import CARRIERS
from shop.db import conflict_retried
from shop.models import User


@conflict_retried
@transaction.atomic
def order_set_status(
    *,
    order: Order,
    status: str,
    by: User | None = None,
    note: str = "",
    tracking_number: str = "",
    stock_kind: str = StockKind.CANCELLATION,
    source: str = ChangeSource.SYSTEM,
    carrier: str = "",
    no_tracking: bool = False,
) -> Order:
    """Move an order to `status` if the rules allow it; cancelling returns the stock.

    Shipping needs its facts: a tracking number (and its carrier, else "other"), or
    `no_tracking` with a note saying why; the customer sees them with the order. The stock
    returned is written to the ledger as `stock_kind` (an expiry, or a cancellation).
    """
    locked = order_lock(order.pk)
    if status not in STATUS_TRANSITIONS[locked.status]:
        raise InvalidStatusTransition(
            f"An order that is {locked.get_status_display().lower()} cannot become {status}.",
            details={"reference": locked.reference, "from": locked.status, "to": status},
        )
    tracking_number = tracking_number.strip()[:100]
    if status == OrderStatus.SHIPPED:
        if not tracking_number and not (no_tracking and note.strip()):
            raise ShippingFactsMissing(details={"reference": locked.reference})
        if carrier and carrier not in CARRIERS:
            raise ShippingFactsMissing(
                f"Unknown carrier {carrier!r}.", details={"carrier": sorted(CARRIERS)}
            )
    if status == OrderStatus.CANCELLED:
        returned = dict(locked.lines.order_by("product_id").values_list("product_id", "quantity"))
        # Locked in primary-key order, like checkouts: the stock read is the stock changed.
        before = dict(
            Product.objects.select_for_update()
            .filter(pk__in=returned)
            .order_by("pk")
            .values_list("pk", "stock")
        )
        for product_id, quantity in returned.items():
            Product.objects.filter(pk=product_id).update(stock=F("stock") + quantity)
        stock_movements_record(
            kind=stock_kind,
            changes=[(pid, qty, before[pid] + qty) for pid, qty in returned.items()],
            order_reference=locked.reference,
            by=by,
        )
        products_stock_changed(product_ids=list(returned), rose=True)
    previous = locked.status
    locked.status = status
    fields = ["status", "updated_at"]
    if status == OrderStatus.SHIPPED and tracking_number:
        locked.tracking_number = tracking_number
        locked.carrier = carrier or "other"
        fields += ["tracking_number", "carrier"]
    locked.save(update_fields=fields)
    OrderStatusChange.objects.create(
        order=locked,
        from_status=previous,
        to_status=status,
        changed_by=by,
        note=note,
        source=source,
    )
    if status in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.CANCELLED):
        order_email_queue(locked, status)
    return locked


def order_history_note(*, order: Order, note: str, by: User | None = None) -> OrderStatusChange:
    """Record something that happened to an order without moving its status (a refund, a
    tracking correction) in its history, beside the status moves."""
    return OrderStatusChange.objects.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        changed_by=by,
        note=note[:500],
        source=ChangeSource.ADMIN if by else ChangeSource.SYSTEM,
    )


@conflict_retried
@transaction.atomic
def order_shipping_correct(
    *,
    order: Order,
    tracking_number: str,
    carrier: str,
    by: User | None = None,
    resend_email: bool = False,
) -> Order:
    """Correct a shipped order's tracking number and carrier; recorded in its history.

    The shipped email goes out again only when asked (`resend_email`).
    """
    locked = order_lock(order.pk)
    tracking_number = tracking_number.strip()[:100]
    if locked.status not in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        raise InvalidStatusTransition(
            "Only a shipped or delivered order has tracking to correct.",
            details={"reference": locked.reference, "status": locked.status},
        )
    if not tracking_number or carrier not in CARRIERS:
        raise ShippingFactsMissing(
            "Give the tracking number and one of the carriers.",
            details={"carrier": sorted(CARRIERS)},
        )
    before = f"{locked.tracking_number or 'none'} ({locked.get_carrier_display() or '-'})"
    locked.tracking_number, locked.carrier = tracking_number, carrier
    locked.save(update_fields=["tracking_number", "carrier", "updated_at"])
    order_history_note(
        order=locked,
        by=by,
        note=f"Tracking corrected: {before} -> {tracking_number} ({locked.get_carrier_display()})"
        + ("; the shipped email sent again" if resend_email else ""),
    )
    if resend_email:
        order_email_queue(locked, OrderStatus.SHIPPED)
    return locked


def order_reinstate_paid(*, order: Order, note: str = "") -> Order:
    """Take a cancelled order's stock again and mark it paid: its payment came late.

    All or nothing: if any line's stock is gone, InsufficientStock is raised and nothing
    changes (the caller refunds the payment instead).
    """
    with transaction.atomic():
        locked = order_lock(order.pk)
        if locked.status != OrderStatus.CANCELLED:
            raise InvalidStatusTransition(
                "Only a cancelled order is reinstated by a late payment.",
                details={"reference": locked.reference, "from": locked.status, "to": "paid"},
            )
        lines = dict(locked.lines.order_by("product_id").values_list("product_id", "quantity"))
        products = stock_take(lines)
        stock_movements_record(
            kind=StockKind.REINSTATEMENT,
            changes=sold_changes(lines, products),
            order_reference=locked.reference,
        )
        locked.status = OrderStatus.PAID
        locked.save(update_fields=["status", "updated_at"])
        OrderStatusChange.objects.create(
            order=locked,
            from_status=OrderStatus.CANCELLED,
            to_status=OrderStatus.PAID,
            note=note,
            source=ChangeSource.PAYMENT,
        )
    return locked
