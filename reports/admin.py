from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Min
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from orders.admin import OrderAdmin
from reports.delivery import report_recipients, report_recipients_staff
from reports.models import Report, ReportDownload, ReportFile, ReportKind, ReportStatus
from reports.selectors import report_list
from reports.services import report_links_revoke, report_request, report_rerun
from reports.views import file_response
from shop.admin_widgets import ReadOnlyTabularInline, status_pill
from shop.errors import DomainError
from shop.text import human_text

STATUS_COLOURS: dict[str, str] = {
    ReportStatus.QUEUED: "#777",
    ReportStatus.RUNNING: "#1f6fb2",
    ReportStatus.SUCCEEDED: "#2e7d32",
    ReportStatus.FAILED: "#c62828",
}


class ReportRequestForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Reports",
        choices=[
            (ReportKind.ORDERS, "Orders: revenue per day, statuses, top products and every order"),
            (
                ReportKind.PRODUCTS,
                "Products: each product's stock and sales, sold out and low stock first",
            ),
        ],
        widget=forms.CheckboxSelectMultiple,
        initial=ReportKind.values,
    )
    date_from = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To (included)", widget=forms.DateInput(attrs={"type": "date"}))
    extra_recipients = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Addresses beyond the Report recipients group, separated by commas or lines.",
    )

    def clean_extra_recipients(self) -> list[str]:
        raw = self.cleaned_data["extra_recipients"].replace(",", "\n")
        recipients = [line.strip() for line in raw.splitlines() if line.strip()]
        for recipient in recipients:
            human_text(recipient)
        return recipients


class ReportFileInline(ReadOnlyTabularInline):
    model = ReportFile
    verbose_name_plural = "files"
    fields = ("file_link", "size_display", "created_at")
    readonly_fields = fields

    @admin.display(description="file")
    def file_link(self, file: ReportFile) -> str:
        label = _kind_label(file.kind)
        if file.report.status != ReportStatus.SUCCEEDED:
            return label
        url = reverse("admin:reports_report_download", args=[file.report_id, file.kind])
        return format_html('<a href="{}">{} (HTML)</a>', url, label)

    @admin.display(description="size")
    def size_display(self, file: ReportFile) -> str:
        return filesizeformat(file.size)


def _kind_label(kind: str) -> str:
    return ReportKind(kind).label if kind in ReportKind.values else kind


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "kinds_list",
        "period",
        "status_badge",
        "duration_display",
        "size_display",
        "downloads",
        "error_short",
        "requested_by",
    )
    list_filter = ("status",)
    date_hierarchy = "created_at"
    actions = ("rerun", "revoke_links")
    inlines = (ReportFileInline,)
    fields = (
        "id",
        "kinds_list",
        "date_from",
        "date_to",
        "status_badge",
        "error",
        "requested_by",
        "recipients_display",
        "attempts",
        "created_at",
        "started_at",
        "finished_at",
        "links_revoked_at",
        "downloads",
    )

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_queryset(self, request):
        return report_list()

    def has_change_permission(self, request, obj=None):
        return False  # reports are records; they are requested and re-run, never edited

    def get_urls(self):
        return [
            path(
                "<uuid:report_id>/download/<str:kind>/",
                self.admin_site.admin_view(self.download_view),
                name="reports_report_download",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        # Requests by the daily schedule have no employee to log them: the report's own
        # facts lead its History page, above the admin's log of employees' actions.
        report = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "report": report}
        return super().history_view(request, object_id, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        """Request a report through the service (it is queued, not saved from a form)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        form = ReportRequestForm(
            request.POST or None, initial={"date_from": today.replace(day=1), "date_to": today}
        )
        if request.method == "POST" and form.is_valid():
            try:
                report = report_request(**form.cleaned_data, requested_by=request.user)
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                self.message_user(
                    request,
                    f"Report for {report.date_from} to {report.date_to} requested; "
                    "it is emailed to the recipients when ready.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:reports_report_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Request a report",
            "form": form,
            "recipients": report_recipients_staff(),
            "opts": self.model._meta,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/reports/report/request.html", context)

    def download_view(self, request, report_id, kind):
        report = get_object_or_404(Report, pk=report_id, status=ReportStatus.SUCCEEDED)
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        file = get_object_or_404(ReportFile, report=report, kind=kind)
        return file_response(request, file, request.user.email)

    @admin.display(description="reports")
    def kinds_list(self, report: Report) -> str:
        return ", ".join(_kind_label(kind) for kind in report.kinds)

    @admin.display(description="emailed to")
    def recipients_display(self, report: Report) -> str:
        recipients = report_recipients(report)
        if not recipients:
            return "No one: the Report recipients group is empty and no address was added."
        return format_html_join(mark_safe("<br>"), "{}", ((address,) for address in recipients))

    @admin.display(description="period", ordering="date_from")
    def period(self, report: Report) -> str:
        return f"{report.date_from} to {report.date_to}"

    @admin.display(description="status", ordering="status")
    def status_badge(self, report: Report) -> str:
        status = report.effective_status
        label = "failed (stuck)" if report.is_stuck else ReportStatus(status).label
        return status_pill(STATUS_COLOURS[status], label)

    @admin.display(description="took")
    def duration_display(self, report: Report) -> str:
        duration = report.duration
        return f"{duration.total_seconds():.1f} s" if duration else "-"

    @admin.display(description="size", ordering="total_size")
    def size_display(self, report: Report) -> str:
        size = report.total_size  # type: ignore[attr-defined]  # annotated by report_list
        return filesizeformat(size) if size else "-"

    @admin.display(description="download")
    def downloads(self, report: Report) -> str:
        if report.status != ReportStatus.SUCCEEDED:
            return "-"
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:reports_report_download", args=[report.pk, f.kind]), f.kind)
                for f in report.files.all()
            ),
        )

    @admin.display(description="error")
    def error_short(self, report: Report) -> str:
        if report.is_stuck:
            return "Did not finish in time."
        return (report.error[:120] + "…") if len(report.error) > 120 else report.error

    @admin.action(
        description="Revoke the emailed links of the selected reports", permissions=["add"]
    )
    def revoke_links(self, request, queryset):
        revoked = [report_links_revoke(report=report, by=request.user) for report in queryset]
        self.message_user(
            request,
            f"Links of {len(revoked)} report(s) revoked: downloads from emails are refused; "
            "the files stay available here.",
            messages.SUCCESS,
        )

    @admin.action(description="Run the selected failed reports again", permissions=["add"])
    def rerun(self, request, queryset):
        done, refused = 0, []
        for report in queryset:
            try:
                report_rerun(report=report, by=request.user)
                done += 1
            except DomainError as error:
                refused.append(f"{report}: {error.message}")
        if done:
            self.message_user(request, f"{done} report(s) queued again.", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, f"Refused {reason}", messages.ERROR)


@admin.register(ReportDownload)
class ReportDownloadAdmin(admin.ModelAdmin):
    list_display = ("created_at", "email", "user", "file", "ip_address")
    list_select_related = ("file", "user")
    search_fields = ("email",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.action(description="Request a report for the period of the selected orders")
def request_report(modeladmin, request, queryset):
    """Queue both kinds of report for the days from the first to the last selected order."""
    if not request.user.has_perm("reports.add_report"):
        raise PermissionDenied
    span = queryset.aggregate(first=Min("created_at"), last=Max("created_at"))
    try:
        report = report_request(
            kinds=ReportKind.values,
            date_from=timezone.localdate(span["first"]),
            date_to=timezone.localdate(span["last"]),
            requested_by=request.user,
        )
    except ValidationError as error:
        for problems in error.message_dict.values():
            modeladmin.message_user(request, " ".join(problems), messages.ERROR)
        return
    modeladmin.message_user(
        request,
        f"Report for {report.date_from} to {report.date_to} requested; see Reports.",
        messages.SUCCESS,
    )


# Reports builds on orders, never the other way round: the order list's action is added here.
OrderAdmin.register_extra_action(request_report, permission="reports.add_report")
