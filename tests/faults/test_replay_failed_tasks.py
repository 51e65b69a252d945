"""Work that failed on Lambda and waits in the dead-letter queue is run again, once, by
`manage.py replay_failed_tasks`; against moto's SQS over real HTTP."""

import json
import uuid
from datetime import timedelta

import boto3
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from reports.models import Report, ReportStatus
from shop.models import EmailState, OutboundEmail
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queue(moto_url, settings):
    settings.AWS_SQS_ENDPOINT_URL = moto_url
    sqs = boto3.client("sqs", endpoint_url=moto_url, region_name="us-east-1")
    url = sqs.create_queue(QueueName=f"failed-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    settings.SHOP_FAILED_TASKS_QUEUE_URL = url

    def dead_letter(event) -> None:
        # As Lambda puts a failed asynchronous invocation: its event, and why it failed.
        sqs.send_message(
            QueueUrl=url,
            MessageBody=event if isinstance(event, str) else json.dumps(event),
            MessageAttributes={
                "ErrorMessage": {"DataType": "String", "StringValue": "Task timed out"},
                "ErrorCode": {"DataType": "Number", "StringValue": "200"},
            },
        )

    def left() -> list[str]:
        attributes = sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return [
            attributes["ApproximateNumberOfMessages"],
            attributes["ApproximateNumberOfMessagesNotVisible"],
        ]

    return dead_letter, left


def zappa_task(path: str, *args) -> dict:
    """The event zappa.asynchronous sends for a @task (async_source "lambda")."""
    return {
        "task_path": path,
        "capture_response": False,
        "response_id": None,
        "args": list(args),
        "kwargs": {},
        "command": "zappa.asynchronous.route_lambda_task",
    }


def scheduled_event(path: str) -> dict:
    rule = f"arn:aws:events:eu-north-1:123456789012:rule/shop-production-{path}"
    return {"detail-type": "Scheduled Event", "source": "aws.events", "resources": [rule]}


def test_failed_tasks_and_schedules_run_again_once_and_strangers_are_refused(
    queue, mailoutbox, capsys
):
    dead_letter, left = queue
    order = OrderFactory()
    email = OutboundEmail.objects.get(reference=order.reference)
    # Its first send died with the Lambda that ran it: it waits, claimed by nobody.
    OutboundEmail.objects.filter(pk=email.pk).update(state=EmailState.PENDING, attempts=1)
    mailoutbox.clear()
    stuck = Report.objects.create(
        kinds=["products"],
        date_from=timezone.localdate(),
        date_to=timezone.localdate(),
        status=ReportStatus.RUNNING,
        started_at=timezone.now() - timedelta(hours=1),
        attempts=1,
    )
    dead_letter(zappa_task("shop.tasks.outbox_send_task", email.pk))
    dead_letter(scheduled_event("reports.schedules.rerun_stuck_reports"))
    dead_letter(zappa_task("os.system", "echo owned"))
    dead_letter(zappa_task("reports.services.reports_purge"))  # the shop's, but no task
    dead_letter("not json")

    with pytest.raises(CommandError):
        call_command("replay_failed_tasks", "--dry-run")
    out = capsys.readouterr().out
    assert "Would run: shop.tasks.outbox_send_task (failed with: Task timed out)" in out
    assert "Would run: reports.schedules.rerun_stuck_reports" in out
    assert "2 to run, 0 failed again, 3 refused." in out
    assert mailoutbox == []
    stuck.refresh_from_db()
    assert stuck.status == ReportStatus.RUNNING

    with pytest.raises(CommandError):
        call_command("replay_failed_tasks")
    out = capsys.readouterr().out
    assert "2 done, 0 failed again, 3 refused." in out
    assert [m.to for m in mailoutbox] == [[order.email]]
    email.refresh_from_db()
    assert email.state == EmailState.SENT
    stuck.refresh_from_db()
    assert stuck.status == ReportStatus.SUCCEEDED
    assert stuck.attempts == 2
    assert left() == ["0", "3"]  # the refused ones stay, hidden for now, for a person

    # Replaying the same task again sends nothing twice.
    dead_letter(zappa_task("shop.tasks.outbox_send_task", email.pk))
    call_command("replay_failed_tasks")
    assert len(mailoutbox) == 1


def test_work_that_fails_again_stays_in_the_queue(queue, capsys):
    dead_letter, left = queue
    dead_letter(zappa_task("reports.tasks.report_generate_task", "not-a-report-id"))
    with pytest.raises(CommandError, match="still in the queue"):
        call_command("replay_failed_tasks")
    assert "0 done, 1 failed again, 0 refused." in capsys.readouterr().out
    assert left() == ["0", "1"]


def test_without_a_queue_the_command_says_so(settings):
    settings.SHOP_FAILED_TASKS_QUEUE_URL = ""
    with pytest.raises(CommandError, match="SHOP_FAILED_TASKS_QUEUE_URL"):
        call_command("replay_failed_tasks")
