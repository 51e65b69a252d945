from django.urls import path

from reports.apis import ReportDetailApi, ReportRequestApi

urlpatterns = [
    path("reports/", ReportRequestApi.as_view(), name="report-list"),
    path("reports/<uuid:report_id>/", ReportDetailApi.as_view(), name="report-detail"),
]
