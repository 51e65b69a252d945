"""Demo catalog: categories and about 50 products with images drawn by Pillow (no downloads)."""

import random
from decimal import Decimal
from io import BytesIO

from django.core.files.base import ContentFile
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from catalog.models import Category, Product
from catalog.services import product_create
from shop.money import money_round

CATALOG = {
    "Coffee": (
        "Whole beans and ground coffee, roasted weekly.",
        [
            "Ethiopia Yirgacheffe",
            "Colombia Huila",
            "Brazil Cerrado",
            "Kenya AA",
            "House Espresso",
            "Decaf Swiss Water",
            "Guatemala Antigua",
            "Sumatra Mandheling",
            "Costa Rica Tarrazu",
        ],
    ),
    "Tea": (
        "Loose-leaf teas from small gardens.",
        [
            "Darjeeling First Flush",
            "Assam Breakfast",
            "Sencha",
            "Jasmine Pearls",
            "Earl Grey",
            "Rooibos Vanilla",
            "Oolong Tieguanyin",
            "Chamomile",
        ],
    ),
    "Brewing": (
        "Everything to brew a good cup at home.",
        [
            "Pour-over Dripper",
            "Glass Carafe",
            "Gooseneck Kettle",
            "Hand Grinder",
            "French Press",
            "Paper Filters (100)",
            "Digital Scale",
            "Cold Brew Jar",
            "AeroPress",
        ],
    ),
    "Mugs & Cups": (
        "Stoneware and porcelain made by local potters.",
        [
            "Stoneware Mug",
            "Espresso Cup Pair",
            "Latte Bowl",
            "Travel Tumbler",
            "Porcelain Teacup",
            "Double-wall Glass",
            "Enamel Camp Mug",
            "Cappuccino Cup",
            "Tea Bowl",
        ],
    ),
    "Snacks": (
        "Something to go with it.",
        [
            "Dark Chocolate 70%",
            "Almond Biscotti",
            "Shortbread Tin",
            "Salted Caramels",
            "Ginger Snaps",
            "Hazelnut Praline",
            "Oat Cookies",
            "Candied Orange",
        ],
    ),
    "Gifts": (
        "Boxes and cards for coffee and tea lovers.",
        [
            "Tasting Box",
            "Gift Card",
            "Tea Sampler",
            "Barista Apron",
            "Subscription (3 months)",
            "Coffee Atlas (book)",
            "Canvas Tote",
        ],
    ),
}

PALETTE = ["#8c5a3c", "#3c6e71", "#d9a441", "#6d597a", "#b56576", "#355070", "#588157", "#e07a5f"]


def _draw_image(name: str, colour: str, rng: random.Random) -> ContentFile:
    """Draw a simple product picture: a coloured field, a few shapes and the initials."""
    size = 640
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y, r = rng.randrange(size), rng.randrange(size), rng.randrange(40, 200)
        tint = tuple(
            min(255, int(colour[i : i + 2], 16) + rng.randrange(20, 90)) for i in (1, 3, 5)
        )
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tint)
    initials = "".join(word[0] for word in name.split() if word[0].isalnum())[:3].upper()
    font = ImageFont.load_default(size=200)
    draw.text((size / 2, size / 2), initials, fill="white", font=font, anchor="mm")
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name="image.png")


def seed_catalog() -> str:
    """Create the demo catalog; products that exist already (by SKU) are left alone."""
    rng = random.Random(2026)
    created = 0
    for position, (category_name, (description, products)) in enumerate(CATALOG.items()):
        category, _ = Category.objects.get_or_create(
            slug=slugify(category_name),
            defaults={"name": category_name, "description": description},
        )
        prefix = slugify(category_name)[:3].upper()
        for number, name in enumerate(products, start=1):
            sku = f"{prefix}-{number:03d}"
            price = Decimal(rng.randrange(290, 8900)) / 100
            stock = rng.choice([0, 2, 4, 12, 25, 40, 80, 150])
            # Drawing is the slow part: decide first, draw only what is missing.
            if Product.objects.filter(sku=sku).exists():
                continue
            product_create(
                sku=sku,
                name=name,
                slug=slugify(f"{name}-{sku}"),
                category=category,
                price=money_round(price),
                stock=stock,
                description=f"{name}: {description.lower()} A demo product.",
                is_active=number != len(products),  # one hidden product per category
                image=_draw_image(name, PALETTE[position % len(PALETTE)], rng),
            )
            created += 1
    return f"catalog: {created} product(s) created, {Product.objects.count()} in total"
