"""Staff API: request a report and follow it. Needs the reports permissions (Report viewers)."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from reports.delivery import link_make
from reports.models import Report, ReportKind
from reports.selectors import report_get
from reports.services import report_request
from shop.api.fields import EmailAddressField, InputSerializer
from shop.api.schema import error_responses, request_example


class CanRequestReports(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        needed = "reports.add_report" if request.method == "POST" else "reports.view_report"
        return user.has_perm(needed)


class ReportRequestInputSerializer(InputSerializer):
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=ReportKind.choices), allow_empty=False, min_length=1
    )
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    extra_recipients = serializers.ListField(
        child=EmailAddressField(), required=False, default=list
    )


class ReportQueuedOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    status_url = serializers.CharField()


class ReportFileOutputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    size = serializers.IntegerField()
    download_url = serializers.CharField(help_text="Signed for you; valid for days.")


class ReportOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kinds = serializers.ListField(child=serializers.CharField())
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    status = serializers.CharField(source="effective_status")
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    files = serializers.SerializerMethodField()

    def get_files(self, report: Report) -> list[dict]:
        email = self.context["request"].user.email
        return [
            {"kind": f.kind, "size": f.size, "download_url": link_make(file=f, email=email)}
            for f in report.files.all()
        ]


_STAFF_ERRORS = {"e401": "Not signed in.", "e403": "Not allowed to use reports."}
# Session requests that write are CSRF-checked: Django's csrftoken cookie, echoed in a header.
_CSRF = [
    OpenApiParameter(
        "csrftoken",
        str,
        OpenApiParameter.COOKIE,
        description="Django's CSRF cookie, set when signing in to the admin.",
        examples=[OpenApiExample("A CSRF secret", value="8xk2Qm4Vn7Rt1Yw3Ze5Ua9Bc6Dh0Fj2L")],
    ),
    OpenApiParameter(
        "X-CSRFToken",
        str,
        OpenApiParameter.HEADER,
        description="The csrftoken cookie's value; without it a signed-in POST is a 403.",
        examples=[OpenApiExample("The cookie's value", value="8xk2Qm4Vn7Rt1Yw3Ze5Ua9Bc6Dh0Fj2L")],
    ),
]


class ReportRequestApi(APIView):
    permission_classes = [CanRequestReports]

    @extend_schema(
        request=ReportRequestInputSerializer,
        parameters=_CSRF,
        examples=[
            request_example(
                "Both reports for November",
                {
                    "kinds": ["orders", "products"],
                    "date_from": "2026-11-01",
                    "date_to": "2026-11-30",
                    "extra_recipients": [],
                },
            )
        ],
        responses={
            202: ReportQueuedOutputSerializer,
            **error_responses(e400="Invalid kinds, dates or recipients.", **_STAFF_ERRORS),
        },
    )
    def post(self, request):
        serializer = ReportRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = report_request(**serializer.validated_data, requested_by=request.user)
        url = reverse("report-detail", args=[report.pk])
        return Response(
            {"id": report.pk, "status": report.status, "status_url": url},
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": url},
        )


class ReportDetailApi(APIView):
    permission_classes = [CanRequestReports]

    @extend_schema(
        responses={
            200: ReportOutputSerializer,
            **error_responses(e404="No such report.", **_STAFF_ERRORS),
        }
    )
    def get(self, request, report_id):
        report = report_get(report_id=report_id)
        return Response(ReportOutputSerializer(report, context={"request": request}).data)
