from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from shop.models import User

admin.site.site_header = "Shop administration"
admin.site.site_title = "Shop admin"
admin.site.index_title = "Run the shop"
# The front page lists every app; the left-hand app list would take a quarter of a 1280-pixel
# screen from every list (tests/browser measure that the lists fit).
admin.site.enable_nav_sidebar = False
# "View site" goes to the storefront SPA when there is one; the API has no pages of its own.
admin.site.site_url = settings.SHOP_STOREFRONT_URL or None


@admin.register(User)
class ShopUserAdmin(UserAdmin):
    """Employees: Django accounts with passwords and groups. Customers have their own list."""

    list_display = ("username", "full_name", "email", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(cognito_sub__isnull=True)

    @admin.display(description="name", ordering="last_name")
    def full_name(self, user: User) -> str:
        return user.get_full_name()
