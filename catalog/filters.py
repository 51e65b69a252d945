"""Storefront product filters: every value is validated, a bad one is a 400, never ignored."""

import re

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, Q, QuerySet

from catalog.models import Category, Product
from shop.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

# Must stay identical to the expression indexed by migration 0002_product_search_index,
# or PostgreSQL will not use the index.
SEARCH_CONFIG = "english"
SEARCH_VECTOR = SearchVector("sku", "name", "description", config=SEARCH_CONFIG)

ORDERINGS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "price": ("price", "id"),
    "-price": ("-price", "-id"),
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
}


def product_search(queryset: QuerySet[Product], text: str) -> QuerySet[Product]:
    """Full-text search on PostgreSQL (indexed, ranked); word-by-word match elsewhere."""
    if connections[queryset.db].vendor == "postgresql":
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return (
            queryset.alias(search=SEARCH_VECTOR)
            .filter(search=query)
            .annotate(search_rank=SearchRank(SEARCH_VECTOR, query))
        )
    for word in text.split():
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(sku__icontains=word) | Q(description__icontains=word)
        )
    return queryset


# Prices in a query: digits, and at most two decimals. Decimal() would also take "1e2",
# "+1", " 1 " and "1."; the schema says this pattern, so the filter holds to it.
PRICE_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]{1,100}$"
IN_STOCK_VALUES = ["true", "false", "1", "0"]
# Filters that refuse an empty value instead of ignoring it (the schema says none is empty).
NOT_EMPTY = ("category", "min_price", "max_price", "in_stock", "ordering")


class PriceField(forms.DecimalField):
    def to_python(self, value):
        if value not in self.empty_values and not re.match(PRICE_PATTERN, str(value)):
            raise forms.ValidationError("Enter a price such as 12 or 12.50.", code="invalid")
        return super().to_python(value)


class PriceFilter(django_filters.NumberFilter):
    field_class = PriceField


class ProductFilterForm(forms.Form):
    def clean(self):
        for name in NOT_EMPTY:
            if self.data.get(name) == "":
                self.add_error(name, "Must not be empty: leave the parameter out instead.")
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", "Must not be below min_price.")
        return data


class ProductFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), to_field_name="slug"
    )
    search = django_filters.CharFilter(method="filter_search", max_length=200)
    min_price = PriceFilter(
        field_name="price",
        lookup_expr="gte",
        min_value=0,
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
    )
    max_price = PriceFilter(
        field_name="price",
        lookup_expr="lte",
        min_value=0,
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
    )
    in_stock = django_filters.TypedChoiceFilter(
        method="filter_in_stock",
        choices=[(value, value) for value in IN_STOCK_VALUES],
        coerce=lambda value: value in ("true", "1"),
    )
    ordering = django_filters.ChoiceFilter(
        method="filter_ordering", choices=[(key, key) for key in ORDERINGS]
    )

    class Meta:
        model = Product
        fields: list[str] = []
        form = ProductFilterForm

    def filter_search(self, queryset, name, value):
        text = value.strip()
        return product_search(queryset, text) if text else queryset

    def filter_in_stock(self, queryset, name, value):
        return queryset.filter(stock__gt=0) if value else queryset.filter(stock=0)

    def filter_ordering(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value])

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("ordering"):
            ranked = "search_rank" in queryset.query.annotations
            queryset = queryset.order_by(F("search_rank").desc(), "id") if ranked else queryset
        return queryset
