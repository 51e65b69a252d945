from django.urls import path

from catalog.apis import CategoryListApi, ProductByIdApi, ProductDetailApi, ProductListApi

urlpatterns = [
    path("categories/", CategoryListApi.as_view(), name="category-list"),
    path("products/", ProductListApi.as_view(), name="product-list"),
    # An all-digit path is an id; slugs always hold a letter (catalog.models).
    path("products/<id:pk>/", ProductByIdApi.as_view(), name="product-detail-by-id"),
    path("products/<slug:slug>/", ProductDetailApi.as_view(), name="product-detail"),
]
