import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReportKind(models.TextChoices):
    ORDERS = "orders", "Orders"
    PRODUCTS = "products", "Products"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Report(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kinds = models.JSONField(default=list, help_text="Which reports: orders, products.")
    date_from = models.DateField("from")
    date_to = models.DateField("to", help_text="Inclusive.")
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    extra_recipients = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    links_revoked_at = models.DateTimeField(
        "links revoked", null=True, blank=True, help_text="Emailed links stop working from then."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{', '.join(self.kinds)} {self.date_from} to {self.date_to}"

    @property
    def is_stuck(self) -> bool:
        """A run that has not finished within the timeout died (Lambda stops at 15 min)."""
        limit = timedelta(minutes=settings.SHOP_REPORT_TIMEOUT_MINUTES)
        return (
            self.status == ReportStatus.RUNNING
            and self.started_at is not None
            and self.started_at < timezone.now() - limit
        )

    @property
    def effective_status(self) -> str:
        return ReportStatus.FAILED if self.is_stuck else self.status

    @property
    def duration(self) -> timedelta | None:
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class ReportFile(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    storage_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind"], name="reports_one_file_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} report {self.report_id}"


class ReportDownload(models.Model):
    file = models.ForeignKey(ReportFile, on_delete=models.CASCADE, related_name="downloads")
    email = models.EmailField(help_text="Whom the link was sent to.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField("when", default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} at {self.created_at:%Y-%m-%d %H:%M}"
