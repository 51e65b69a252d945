"""Stock an order takes and gives back: product rows locked in primary-key order."""

from django.db.models import F

from catalog.models import Product
from catalog.services import products_stock_changed
from orders.errors import InsufficientStock, ProductUnavailable


def stock_take(lines: dict[int, int]) -> dict[int, Product]:
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


def sold_changes(lines: dict[int, int], products: dict[int, Product]) -> list[tuple[int, int, int]]:
    """Ledger changes of a stock take: the rows were locked, so their stock is exact."""
    return [(pid, -quantity, products[pid].stock - quantity) for pid, quantity in lines.items()]
