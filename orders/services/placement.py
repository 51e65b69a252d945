"""Placing orders: check the items, take the stock, snapshot the lines, answer replays."""

import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.models import StockKind
from catalog.services import stock_movements_record
from orders.emails import order_email_queue
from orders.errors import AddressNotFound, EmptyCart
from orders.holds import holds_check
from orders.models import (
    CartItem,
    ChangeSource,
    CustomerAddress,
    IdempotencyKey,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
)
from orders.services.idempotency import fingerprint, key_stored, replay, request_hash_of
from orders.services.stock import sold_changes, stock_take
from orders.services.types import Address, Customer, OrderItem, PlacedOrder
from orders.tokens import token_derive, token_hash, token_new
from shop.db import conflict_retried
from shop.models import User

# No 0/O or 1/I/L: references are read out over the phone. 32 symbols, 10 of them: 50 bits.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 10


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


@conflict_retried
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
        request_hash = request_hash_of(lines=lines, customer=customer, address=address)
    if idempotency_key:
        replayed = replay(scope=scope, key=idempotency_key, request_hash=request_hash, guest=guest)
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
                replayed = replay(
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
    request_hash = fingerprint(
        {
            "cart": True,
            "customer": {"name": name, "email": email, "phone": phone},
            "address": asdict(address),
        }
    )
    if idempotency_key:
        replayed = replay(
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
    products = stock_take(lines)
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
        kind=StockKind.SALE, changes=sold_changes(lines, products), order_reference=order.reference
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
            key=key_stored(scope=scope, key=idempotency_key),
            request_hash=request_hash,
            order=order,
        )
    if from_cart:
        CartItem.objects.filter(cart__user=user, product_id__in=lines).delete()
    order_email_queue(order, "confirmation")
    return PlacedOrder(order=order, access_token=token)
