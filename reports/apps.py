from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from shop.outbox import email_renderer_register

        # Its emails go through the outbox; this renders them when they are sent.
        email_renderer_register("report", "reports.delivery.report_email_render")
