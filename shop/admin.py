from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from shop.models import User

admin.site.site_header = "Shop administration"
admin.site.site_title = "Shop admin"
admin.site.index_title = "Run the shop"


@admin.register(User)
class ShopUserAdmin(UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")
