"""Writes on orders: placing them, moving their status (the cart is orders.cart)."""

import hashlib
import hmac
import json
import logging
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from catalog.models import Product, StockKind
from catalog.services import products_stock_changed, stock_movements_record
from orders.errors import (
    AddressNotFound,
    EmptyCart,
    IdempotencyKeyReused,
    InsufficientStock,
    InvalidStatusTransition,
    ProductUnavailable,
    ShippingFactsMissing,
)
from orders.holds import holds_check
from orders.models import (
    STATUS_TRANSITIONS,
    CartItem,
    ChangeSource,
    CustomerAddress,
    IdempotencyKey,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
)
from orders.shipping import CARRIERS
from orders.tokens import token_derive, token_hash, token_new, token_rederive
from shop.background import task_after_commit
from shop.models import User

logger = logging.getLogger(__name__)

# No 0/O or 1/I/L: references are read out over the phone. 32 symbols, 10 of them: 50 bits.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 10


@dataclass(frozen=True)
class OrderItem:
    product_id: int
    quantity: int


@dataclass(frozen=True)
class Customer:
    name: str
    email: str
    phone: str = ""


@dataclass(frozen=True)
class Address:
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str = ""


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    # The guest's secret for reading the order; None for a signed-in customer's order.
    access_token: str | None
    # True when an Idempotency-Key replay returned an order placed earlier.
    replayed: bool = False


def _reference_new() -> str:
    symbols = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{symbols[:5]}-{symbols[5:]}"


def _items_merged(items: Iterable[OrderItem]) -> dict[int, int]:
    """Merge repeated products and check quantities; return {product_id: quantity}."""
    merged: Counter[int] = Counter()
    for item in items:
        merged[item.product_id] += item.quantity
    if not merged:
        raise ValidationError({"items": ["An order needs at least one item."]})
    if len(merged) > settings.SHOP_MAX_ORDER_LINES:
        raise ValidationError(
            {"items": [f"At most {settings.SHOP_MAX_ORDER_LINES} different products an order."]}
        )
    limit = settings.SHOP_MAX_QUANTITY
    wrong = [pid for pid, quantity in merged.items() if not 1 <= quantity <= limit]
    if wrong:
        raise ValidationError(
            {"items": [f"Quantity must be from 1 to {limit} (product {pid})." for pid in wrong]}
        )
    return dict(sorted(merged.items()))


def _fingerprint(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _request_hash(*, lines: dict[int, int], customer: Customer, address: Address) -> str:
    return _fingerprint(
        {"items": sorted(lines.items()), "customer": asdict(customer), "address": asdict(address)}
    )


def _key_stored(*, scope: str, key: str) -> str:
    """The form a key is kept in: guests' only as a hash (their key derives their token)."""
    if scope != "guest":
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _replay(*, scope: str, key: str, request_hash: str, guest: bool) -> PlacedOrder | None:
    """Return the order an earlier request with this key placed, or None if there is none."""
    found = (
        IdempotencyKey.objects.select_related("order")
        .filter(scope=scope, key=_key_stored(scope=scope, key=key))
        .first()
    )
    if found is None:
        return None
    if not hmac.compare_digest(found.request_hash, request_hash):
        raise IdempotencyKeyReused()
    order = found.order
    token = None
    if guest:
        token = token_rederive(
            scope=scope, key=key, reference=order.reference, stored_hash=order.access_token_hash
        )
    return PlacedOrder(order=order, access_token=token, replayed=True)


def _stock_take(lines: dict[int, int]) -> dict[int, Product]:
    """Lock the products in primary-key order, check them, take the stock; all or nothing."""
    products = {
        product.pk: product
        for product in Product.objects.select_for_update()
        .filter(pk__in=lines)
        .only("pk", "sku", "name", "slug", "thumbnail", "price", "stock", "is_active")
        .order_by("pk")
    }
    unavailable = [pid for pid in lines if pid not in products or not products[pid].is_active]
    if unavailable:
        raise ProductUnavailable(
            f"{len(unavailable)} item(s) cannot be bought.",
            details={"items": [{"product_id": pid} for pid in unavailable]},
        )
    short = [
        (pid, quantity, products[pid].stock)
        for pid, quantity in lines.items()
        if products[pid].stock < quantity
    ]
    if short:
        raise InsufficientStock.for_items(short)
    for pid, quantity in lines.items():
        # The row is locked on PostgreSQL; the condition also guards databases without locks.
        taken = Product.objects.filter(pk=pid, stock__gte=quantity).update(
            stock=F("stock") - quantity
        )
        if not taken:
            available = Product.objects.values_list("stock", flat=True).get(pk=pid)
            raise InsufficientStock.for_items([(pid, quantity, available)])
    products_stock_changed(product_ids=list(lines), rose=False)
    return products


def _sold(lines: dict[int, int], products: dict[int, Product]) -> list[tuple[int, int, int]]:
    """Ledger changes of a stock take: the rows were locked, so their stock is exact."""
    return [(pid, -quantity, products[pid].stock - quantity) for pid, quantity in lines.items()]


def order_place(
    *,
    items: Iterable[OrderItem],
    customer: Customer,
    address: Address,
    user: User | None = None,
    idempotency_key: str | None = None,
    from_cart: bool = False,
    request_hash: str | None = None,
    client_key: str = "",
) -> PlacedOrder:
    """Place an order in one transaction: check items, take stock, snapshot lines, total it.

    `client_key` names the guest client (orders.holds.client_key_of), whose unpaid orders
    hold a bounded number of units.

    With `from_cart`, the customer's cart loses what was ordered in the same transaction:
    it is emptied only if the order commits. `request_hash` stands for the request under the
    Idempotency-Key when the items are not what the client sent (a cart checkout).
    """
    lines = _items_merged(items)
    guest = user is None
    units = sum(lines.values())
    if guest and units > settings.SHOP_MAX_GUEST_ORDER_UNITS:
        raise ValidationError(
            {
                "items": [
                    f"A guest order holds at most {settings.SHOP_MAX_GUEST_ORDER_UNITS} units; "
                    "sign in to order more."
                ]
            }
        )
    if not guest and units > settings.SHOP_MAX_CUSTOMER_ORDER_UNITS:
        raise ValidationError(
            {"items": [f"An order holds at most {settings.SHOP_MAX_CUSTOMER_ORDER_UNITS} units."]}
        )
    scope = "guest" if user is None else f"user:{user.pk}"
    if request_hash is None:
        request_hash = _request_hash(lines=lines, customer=customer, address=address)
    if idempotency_key:
        replayed = _replay(scope=scope, key=idempotency_key, request_hash=request_hash, guest=guest)
        if replayed:
            return replayed
    # Two tries: a rolled-back attempt has written nothing, so trying again is safe.
    for attempt in (1, 2):
        try:
            return _order_create(
                lines=lines,
                customer=customer,
                address=address,
                user=user,
                scope=scope,
                idempotency_key=idempotency_key,
                request_hash=request_hash,
                from_cart=from_cart,
                client_key=client_key,
            )
        except IntegrityError:
            # A concurrent request with the same key committed first: answer as its replay.
            if idempotency_key:
                replayed = _replay(
                    scope=scope, key=idempotency_key, request_hash=request_hash, guest=guest
                )
                if replayed:
                    return replayed
            # Otherwise the random reference clashed (about 1 in 10^15): draw another once.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _customer_of(*, user: User, name: str, email: str, phone: str) -> Customer:
    """The customer details of a signed-in customer's order: the name given, else the token's;
    always the account's own email (order emails never go to an address someone typed)."""
    if email and email.lower() != (user.email or "").lower():
        raise ValidationError(
            {
                "customer": [
                    "The email of a signed-in customer's order is the account's: leave it out."
                ]
            }
        )
    name = name or user.get_full_name() or user.email
    if not name or not user.email:
        raise ValidationError({"customer": ["Give a name and an email for this order."]})
    return Customer(name=name, email=user.email, phone=phone)


def _address_of(*, user: User, address: Address | None, address_id: int | None) -> Address:
    """The address given, or one of the address book by id, or else the default one."""
    if address is not None:
        return address
    book = CustomerAddress.objects.filter(user=user)
    chosen = (
        book.filter(pk=address_id).first() if address_id else book.filter(is_default=True).first()
    )
    if chosen is None:
        if address_id:
            raise AddressNotFound()
        raise ValidationError(
            {"shipping_address": ["Give a shipping address (the address book has no default)."]}
        )
    return Address(
        line1=chosen.line1,
        line2=chosen.line2,
        city=chosen.city,
        postal_code=chosen.postal_code,
        country=chosen.country,
    )


def order_place_for_customer(
    *,
    user: User,
    address: Address | None = None,
    address_id: int | None = None,
    items: Iterable[OrderItem] | None = None,
    name: str = "",
    email: str = "",
    phone: str = "",
    idempotency_key: str | None = None,
) -> PlacedOrder:
    """Place a signed-in customer's order: the given items, or else the whole cart.

    Name and email default to the customer's own; the address to one of the address book
    (by id, or the default). A cart checkout retried with its
    Idempotency-Key returns the order it placed, although the cart is empty by then.
    """
    customer = _customer_of(user=user, name=name, email=email, phone=phone)
    address = _address_of(user=user, address=address, address_id=address_id)
    if items is not None:
        return order_place(
            items=items,
            customer=customer,
            address=address,
            user=user,
            idempotency_key=idempotency_key,
        )
    # The request as the client sent it: "the cart", not what the cart held at the time.
    request_hash = _fingerprint(
        {
            "cart": True,
            "customer": {"name": name, "email": email, "phone": phone},
            "address": asdict(address),
        }
    )
    if idempotency_key:
        replayed = _replay(
            scope=f"user:{user.pk}", key=idempotency_key, request_hash=request_hash, guest=False
        )
        if replayed:
            return replayed
    cart = [
        OrderItem(product_id, quantity)
        for product_id, quantity in CartItem.objects.filter(cart__user=user)
        .order_by("product_id")
        .values_list("product_id", "quantity")
    ]
    if not cart:
        raise EmptyCart()
    return order_place(
        items=cart,
        customer=customer,
        address=address,
        user=user,
        idempotency_key=idempotency_key,
        from_cart=True,
        request_hash=request_hash,
    )


def _prefetched_set(order: Order, **related: list[Any]) -> None:
    """Fill the order's prefetch cache with rows just written, as prefetch_related would."""
    cache = {}
    for name, rows in related.items():
        queryset = getattr(order, name).all()
        queryset._result_cache = rows
        queryset._prefetch_done = True
        cache[name] = queryset
    order._prefetched_objects_cache = cache  # type: ignore[attr-defined]


@transaction.atomic
def _order_create(
    *,
    lines: dict[int, int],
    customer: Customer,
    address: Address,
    user: User | None,
    scope: str,
    idempotency_key: str | None,
    request_hash: str,
    from_cart: bool,
    client_key: str,
) -> PlacedOrder:
    holds_check(units=sum(lines.values()), client_key=client_key, user=user, email=customer.email)
    products = _stock_take(lines)
    order_lines = [
        OrderLine(
            product_id=pid,
            sku=products[pid].sku,
            name=products[pid].name,
            unit_price=products[pid].price,
            quantity=quantity,
            line_total=products[pid].price * quantity,
        )
        for pid, quantity in lines.items()
    ]
    subtotal = sum((line.line_total for line in order_lines), Decimal("0.00"))
    shipping = settings.SHOP_SHIPPING_FEE
    order = Order(
        user=user,
        customer_name=customer.name,
        email=customer.email,
        phone=customer.phone,
        shipping_line1=address.line1,
        shipping_line2=address.line2,
        shipping_city=address.city,
        shipping_postal_code=address.postal_code,
        shipping_country=address.country,
        subtotal=subtotal,
        shipping=shipping,
        total=subtotal + shipping,
        currency=settings.SHOP_CURRENCY,
        client_key=client_key,
    )
    order.reference = _reference_new()
    token = None
    if user is None:
        token = (
            token_derive(scope=scope, key=idempotency_key, reference=order.reference)
            if idempotency_key
            else token_new()
        )
        order.access_token_hash = token_hash(token)
    order.save(force_insert=True)
    stock_movements_record(
        kind=StockKind.SALE, changes=_sold(lines, products), order_reference=order.reference
    )
    for line in order_lines:
        line.order = order
    OrderLine.objects.bulk_create(order_lines)
    placed = OrderStatusChange.objects.create(
        order=order,
        from_status="",
        to_status=OrderStatus.PLACED,
        changed_by=user,
        source=ChangeSource.CHECKOUT,
    )
    # The answer to the checkout renders these: hand them over instead of reading them back.
    for line in order_lines:
        line.product = products[line.product_id]
    _prefetched_set(order, lines=order_lines, status_changes=[placed])
    if idempotency_key:
        IdempotencyKey.objects.create(
            scope=scope,
            key=_key_stored(scope=scope, key=idempotency_key),
            request_hash=request_hash,
            order=order,
        )
    if from_cart:
        CartItem.objects.filter(cart__user=user, product_id__in=lines).delete()
    task_after_commit("orders.tasks.order_email_task", order.pk, "confirmation")
    return PlacedOrder(order=order, access_token=token)


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
    locked = Order.objects.select_for_update().get(pk=order.pk)
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
        task_after_commit("orders.tasks.order_email_task", locked.pk, status)
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
    locked = Order.objects.select_for_update().get(pk=order.pk)
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
        task_after_commit("orders.tasks.order_email_task", locked.pk, OrderStatus.SHIPPED)
    return locked


def order_reinstate_paid(*, order: Order, note: str = "") -> Order:
    """Take a cancelled order's stock again and mark it paid: its payment came late.

    All or nothing: if any line's stock is gone, InsufficientStock is raised and nothing
    changes (the caller refunds the payment instead).
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != OrderStatus.CANCELLED:
            raise InvalidStatusTransition(
                "Only a cancelled order is reinstated by a late payment.",
                details={"reference": locked.reference, "from": locked.status, "to": "paid"},
            )
        lines = dict(locked.lines.order_by("product_id").values_list("product_id", "quantity"))
        products = _stock_take(lines)
        stock_movements_record(
            kind=StockKind.REINSTATEMENT,
            changes=_sold(lines, products),
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
