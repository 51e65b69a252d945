from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from shop.models import User

admin.site.site_header = "Shop administration"
admin.site.site_title = "Shop admin"
admin.site.index_title = "Run the shop"


@admin.register(User)
class ShopUserAdmin(UserAdmin):
    """Employees: Django accounts with passwords and groups. Customers have their own list."""

    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(cognito_sub__isnull=True)
