"""factory_boy factories for the whole test suite."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from catalog.models import Category, Product
from catalog.services import product_create
from orders.models import Order, OrderLine, OrderStatus, OrderStatusChange
from orders.services import Address, Customer, OrderItem, order_place, order_set_status
from reports.models import Report, ReportKind
from reports.services import report_request
from tests.images import image_upload

# A parcel's tracking number: shipping needs one (or an explicit "no tracking").
TRACKING = "JJD000390007"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    description = "Things."


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    description = "A fine product."
    category = factory.SubFactory(CategoryFactory)
    price = Decimal("10.00")
    stock = 10
    is_active = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery")


class StaffFactory(UserFactory):
    is_staff = True


class SuperuserFactory(StaffFactory):
    is_superuser = True


class ProductWithImageFactory(factory.Factory):
    """A product created through catalog.services.product_create, image and thumbnail made."""

    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"IMG-{n:05d}")
    name = factory.Sequence(lambda n: f"Pictured product {n}")
    slug = factory.Sequence(lambda n: f"pictured-product-{n}")
    category = factory.SubFactory(CategoryFactory)
    price = Decimal("10.00")
    stock = 10
    image = factory.LazyFunction(lambda: image_upload("photo.png"))

    @classmethod
    def _create(cls, model_class, **kwargs) -> Product:
        return product_create(**kwargs)


def shop_time(day: date, hour: int = 12) -> datetime:
    """Return `hour` o'clock on `day` in the shop's time zone."""
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


# Where an order goes from `placed`, one move at a time (order_set_status refuses jumps).
_STATUS_PATHS = {
    OrderStatus.PLACED: [],
    OrderStatus.PAID: [OrderStatus.PAID],
    OrderStatus.SHIPPED: [OrderStatus.PAID, OrderStatus.SHIPPED],
    OrderStatus.DELIVERED: [OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED],
    OrderStatus.CANCELLED: [OrderStatus.CANCELLED],
}


class OrderFactory(factory.Factory):
    """An order placed through orders.services.order_place, then moved to `status`.

    `lines` are (product, quantity) pairs. The units are received into stock first, so a
    product's stock is what the test gave it once the order holds them (a cancelled order
    gives them back). `placed_at` backdates the order and its history.
    """

    class Meta:
        model = Order

    lines = factory.LazyFunction(lambda: [(ProductFactory(), 1)])
    status = OrderStatus.PLACED
    placed_at = None
    customer_name = "Ann Smith"
    email = "ann@example.com"
    user = None

    @classmethod
    def _create(cls, model_class, *, lines, status, placed_at, customer_name, email, user):
        for product, quantity in lines:
            Product.objects.filter(pk=product.pk).update(stock=F("stock") + quantity)
        placed = order_place(
            items=[OrderItem(product.pk, quantity) for product, quantity in lines],
            customer=Customer(name=customer_name, email=email),
            address=Address(line1="1 Road", city="Oslo", postal_code="0150", country="NO"),
            user=user,
        )
        order = placed.order
        for step in _STATUS_PATHS[status]:
            order = order_set_status(
                order=order, status=step, tracking_number=TRACKING if step == "shipped" else ""
            )
        if placed_at is not None:
            Order.objects.filter(pk=order.pk).update(created_at=placed_at)
            OrderStatusChange.objects.filter(order=order).update(created_at=placed_at)
        order = Order.objects.get(pk=order.pk)
        order.access_token = placed.access_token
        return order


class OrderLineFactory(factory.Factory):
    """One order line: the only line of an order placed through OrderFactory."""

    class Meta:
        model = OrderLine

    product = factory.SubFactory(ProductFactory)
    quantity = 1

    @classmethod
    def _create(cls, model_class, *, product, quantity) -> OrderLine:
        return OrderFactory(lines=[(product, quantity)]).lines.get()


class ReportFactory(factory.Factory):
    """A report requested through reports.services.report_request (queued, not yet run)."""

    class Meta:
        model = Report

    kinds = factory.LazyFunction(lambda: list(ReportKind.values))
    date_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=6))
    date_to = factory.LazyFunction(timezone.localdate)
    requested_by = None
    extra_recipients = ()

    @classmethod
    def _create(cls, model_class, **kwargs) -> Report:
        return report_request(**kwargs)
