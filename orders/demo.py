"""Demo order history: a few thousand orders over the last 90 days, in every status."""

import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.models import Product
from orders.models import ChangeSource, Order, OrderLine, OrderStatus, OrderStatusChange
from orders.services import REFERENCE_ALPHABET
from orders.tokens import token_hash, token_new
from shop.models import User

DEMO_EMAIL_DOMAIN = "customers.example"
FIRST_NAMES = [
    "Ann",
    "Bo",
    "Carla",
    "Dev",
    "Emil",
    "Fatima",
    "Gus",
    "Hanna",
    "Ivan",
    "Jun",
    "Kari",
    "Lena",
    "Mo",
    "Nora",
    "Omar",
    "Pia",
    "Quinn",
    "Rita",
    "Sven",
    "Tove",
]
LAST_NAMES = [
    "Berg",
    "Costa",
    "Dahl",
    "Evans",
    "Fischer",
    "Garcia",
    "Holm",
    "Ito",
    "Jensen",
    "Khan",
    "Lund",
    "Moreau",
    "Nagy",
    "Olsen",
    "Park",
    "Rossi",
    "Silva",
    "Weber",
]
CITIES = [
    ("Oslo", "0150", "NO"),
    ("Bergen", "5003", "NO"),
    ("Stockholm", "111 20", "SE"),
    ("Copenhagen", "1050", "DK"),
    ("Helsinki", "00100", "FI"),
    ("Berlin", "10115", "DE"),
]
# What becomes of an order, by how many days ago it was placed.
LIFECYCLE = [OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED]


def _status_path(age: timedelta, rng: random.Random) -> list[str]:
    chance = rng.random()
    if chance < 0.06:
        return [OrderStatus.PLACED, OrderStatus.CANCELLED]
    if chance < 0.08:  # paid, then cancelled before shipping: refunded
        return [OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.CANCELLED]
    steps = min(3, age.days // 2 + rng.randrange(0, 2))
    # Unpaid orders only within the payment window: older ones were paid or expired.
    if age > timedelta(minutes=settings.SHOP_PAYMENT_WINDOW_MINUTES):
        steps = max(steps, 1)
    return [OrderStatus.PLACED, *LIFECYCLE[:steps]]


def _demo_customers(rng: random.Random) -> list[User]:
    """A dozen signed-in customers (as Cognito would have made them)."""
    customers = []
    for n in range(12):
        first, last = FIRST_NAMES[n], rng.choice(LAST_NAMES)
        customer, _ = User.objects.get_or_create(
            cognito_sub=f"demo-{n:04d}",
            defaults={
                "username": f"cognito-demo-{n:04d}",
                "first_name": first,
                "last_name": last,
                "email": f"{first}.{last}@{DEMO_EMAIL_DOMAIN}".lower(),
            },
        )
        customers.append(customer)
    return customers


def _demo_source(previous: str, status: str) -> str:
    """What would have made a demo move: checkout, the payment, the expiry job, an employee."""
    if not previous:
        return ChangeSource.CHECKOUT
    if status == OrderStatus.PAID:
        return ChangeSource.PAYMENT
    if status == OrderStatus.CANCELLED and previous == OrderStatus.PLACED:
        return ChangeSource.EXPIRY
    return ChangeSource.ADMIN


def seed_orders(count: int = 3000) -> str:
    """Create the demo order history once; an existing one is kept."""
    if Order.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").exists():
        return "orders: demo history exists, left as it is"
    products = list(Product.objects.filter(is_active=True).order_by("pk"))
    if not products:
        return "orders: no products, no history"
    rng = random.Random(90)
    now = timezone.now()
    customers = _demo_customers(rng)
    orders, lines_of, paths = [], [], []
    for n in range(count):
        # More orders recently: the shop is growing. The first few are minutes old and
        # still awaiting payment, as a shop always has some.
        age = timedelta(days=90 * rng.random() ** 1.3, seconds=rng.randrange(86400))
        if n < 8:
            age = timedelta(minutes=rng.randrange(1, settings.SHOP_PAYMENT_WINDOW_MINUTES))
        placed_at = now - age
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        city, postal_code, country = rng.choice(CITIES)
        chosen = rng.sample(products, k=rng.choice([1, 1, 1, 2, 2, 3, 4]))
        lines = [
            OrderLine(
                product=product,
                sku=product.sku,
                name=product.name,
                unit_price=product.price,
                quantity=(quantity := rng.choice([1, 1, 1, 2, 2, 3, 5])),
                line_total=product.price * quantity,
            )
            for product in chosen
        ]
        subtotal = sum((line.line_total for line in lines), Decimal("0.00"))
        path = [OrderStatus.PLACED] if n < 8 else _status_path(age, rng)
        # A third of the orders were placed by signed-in customers.
        customer = rng.choice(customers) if rng.random() < 0.33 else None
        reference = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(10))
        orders.append(
            Order(
                reference=f"{reference[:5]}-{reference[5:]}",
                user=customer,
                customer_name=customer.get_full_name() if customer else f"{first} {last}",
                email=customer.email
                if customer
                else f"{first}.{last}{rng.randrange(100)}@{DEMO_EMAIL_DOMAIN}".lower(),
                shipping_line1=f"{rng.choice(LAST_NAMES)}veien {rng.randrange(1, 120)}",
                shipping_city=city,
                shipping_postal_code=postal_code,
                shipping_country=country,
                status=path[-1],
                subtotal=subtotal,
                shipping=settings.SHOP_SHIPPING_FEE,
                total=subtotal + settings.SHOP_SHIPPING_FEE,
                currency=settings.SHOP_CURRENCY,
                access_token_hash="" if customer else token_hash(token_new()),
                created_at=placed_at,
            )
        )
        lines_of.append(lines)
        paths.append(path)

    with transaction.atomic():
        Order.objects.bulk_create(orders, batch_size=500)
        all_lines, changes = [], []
        for order, lines, path in zip(orders, lines_of, paths, strict=True):
            for line in lines:
                line.order = order
            all_lines.extend(lines)
            when = order.created_at
            for previous, status in zip(["", *path], path, strict=False):
                changes.append(
                    OrderStatusChange(
                        order=order,
                        from_status=previous,
                        to_status=status,
                        created_at=when,
                        source=_demo_source(previous, status),
                    )
                )
                when = min(now, when + timedelta(hours=rng.randrange(2, 40)))
        OrderLine.objects.bulk_create(all_lines, batch_size=1000)
        OrderStatusChange.objects.bulk_create(changes, batch_size=1000)
    return f"orders: {len(orders)} demo orders over the last 90 days"
