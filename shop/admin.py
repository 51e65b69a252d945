from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.text import Truncator

from shop.admin_widgets import status_pill
from shop.models import EmailState, OutboundEmail, User
from shop.outbox import emails_send_again
from shop.second_factor import devices_reset

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

    actions = ["reset_second_factor"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(cognito_sub__isnull=True)

    def has_reset_second_factor_permission(self, request) -> bool:
        return request.user.is_superuser

    @admin.action(
        description="Reset the second factor (a lost phone): they enrol again at next sign-in",
        permissions=["reset_second_factor"],
    )
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            devices_reset(user=user)
            self.log_change(request, user, "Reset the second factor.")
        self.message_user(
            request, f"Second factor reset for {queryset.count()} employee(s).", messages.SUCCESS
        )

    @admin.display(description="name", ordering="last_name")
    def full_name(self, user: User) -> str:
        return user.get_full_name()


EMAIL_COLOURS: dict[str, str] = {
    EmailState.PENDING: "#b7791f",
    EmailState.SENDING: "#2b6cb0",
    EmailState.SENT: "#2f855a",
    EmailState.FAILED: "#c53030",
    EmailState.SUPPRESSED: "#718096",
}


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The outbox: every email the shop sends, whether it went, and why not."""

    list_display = (
        "created_at",
        "kind",
        "to",
        "reference",
        "state_badge",
        "attempts",
        "sent_at",
        "error_short",
    )
    list_filter = ("state", "kind", "created_at")
    search_fields = ("to", "reference", "subject")
    date_hierarchy = "created_at"
    actions = ["send_again"]
    list_per_page = 50
    fields = (
        "kind",
        "to",
        "reference",
        "state",
        "attempts",
        "next_attempt_at",
        "created_at",
        "sent_at",
        "provider_message_id",
        "error",
        "subject",
        "body_text",
        "resent_from",
        "params",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="state", ordering="state")
    def state_badge(self, message: OutboundEmail) -> str:
        return status_pill(EMAIL_COLOURS[message.state], message.get_state_display())

    @admin.display(description="error")
    def error_short(self, message: OutboundEmail) -> str:
        return Truncator(message.error).chars(80)

    @admin.action(description="Send the selected emails again", permissions=["change"])
    def send_again(self, request, queryset):
        queued = emails_send_again(messages=list(queryset))
        for message in queued:
            self.log_change(request, message, "Sent again.")
        self.message_user(
            request,
            f"{len(queued)} email(s) queued to be sent again"
            + (
                f"; {queryset.count() - len(queued)} being sent right now were left alone."
                if queryset.count() > len(queued)
                else "."
            ),
            messages.SUCCESS,
        )
