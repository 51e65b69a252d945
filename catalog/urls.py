from django.urls import path

from catalog.apis import CategoryListApi, ProductDetailApi, ProductListApi

urlpatterns = [
    path("categories/", CategoryListApi.as_view(), name="category-list"),
    path("products/", ProductListApi.as_view(), name="product-list"),
    path("products/<slug:slug>/", ProductDetailApi.as_view(), name="product-detail"),
]
