"""Failed asynchronous work, run again: the dead-letter queue's messages, replayed.

On Lambda a Zappa task (an email, a report) and a scheduled event are asynchronous
invocations; one that fails three times (the first try and Lambda's two retries) lands in
the dead-letter queue (`dead_letter_arn`, infra/shop.yaml's FailedTasksQueue) with the
original event as its body. `manage.py replay_failed_tasks` reads the queue and runs each
message's function again, here and now; it deletes a message only once its work succeeded.

Only the shop's own tasks and scheduled functions are run: a message naming anything else
is refused and left in the queue for a person to look at.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

OWN_PACKAGES = ("shop.", "catalog.", "orders.", "payments.", "reports.")


class NotReplayable(ValueError):
    """A message that names no task or schedule of the shop's."""


@dataclass(frozen=True)
class Work:
    path: str
    run: Callable[[], Any]

    def __str__(self) -> str:
        return self.path


def _own(path: str) -> Callable:
    if not isinstance(path, str) or not path.startswith(OWN_PACKAGES):
        raise NotReplayable(f"{path!r} is not one of the shop's functions")
    try:
        function = import_string(path)
    except ImportError as exc:
        raise NotReplayable(f"{path!r} does not exist") from exc
    inner = getattr(function, "sync", function)  # a Zappa @task keeps the function as .sync
    if not getattr(inner, "task_timeouts", False):
        raise NotReplayable(f"{path!r} is not a task or a scheduled function")
    return inner


def work_of(body: str) -> Work:
    """What a dead-lettered message asks to run (a Zappa task or a scheduled event)."""
    try:
        event = json.loads(body)
    except ValueError as exc:
        raise NotReplayable("the message is not JSON") from exc
    if isinstance(event, dict) and "requestPayload" in event:  # an on-failure destination's
        event = event["requestPayload"]
    if not isinstance(event, dict):
        raise NotReplayable("the message is not an invocation's event")
    if "task_path" in event:
        function = _own(event["task_path"])
        args, kwargs = event.get("args", []), event.get("kwargs", {})
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise NotReplayable("the task's arguments are malformed")
        return Work(event["task_path"], lambda: function(*args, **kwargs))
    if event.get("detail-type") == "Scheduled Event":
        resources = event.get("resources") or [""]
        # Zappa names the rule <function name>-<dotted path>, as its handler reads it.
        path = str(resources[0]).split("/")[-1].split("-")[-1]
        function = _own(path)
        return Work(path, lambda: function(event, None))
    raise NotReplayable("the message is neither a task nor a scheduled event")


@dataclass
class Replayed:
    done: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def failed_tasks_replay(*, queue_url: str, dry_run: bool = False, limit: int = 100) -> Replayed:
    """Run again up to `limit` messages of the dead-letter queue at `queue_url`.

    A message whose work succeeds is deleted; one that fails again, or is refused, stays
    (hidden for the visibility timeout, then back in the queue). A dry run only lists.
    """
    from django.conf import settings

    from shop.aws import client

    sqs = client("sqs", endpoint_url=settings.AWS_SQS_ENDPOINT_URL)
    outcome = Replayed()
    seen: set[str] = set()
    while len(seen) < limit:
        answer = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=min(10, limit - len(seen)),
            WaitTimeSeconds=1,
            # A dry run leaves each message visible for the real run.
            VisibilityTimeout=0 if dry_run else 300,
            MessageAttributeNames=["All"],
        )
        messages = [m for m in answer.get("Messages", []) if m["MessageId"] not in seen]
        if not messages:
            break
        for message in messages:
            seen.add(message["MessageId"])
            error = message.get("MessageAttributes", {}).get("ErrorMessage", {})
            try:
                work = work_of(message["Body"])
            except NotReplayable as exc:
                logger.error("Dead-lettered message %s refused: %s", message["MessageId"], exc)
                outcome.refused.append(f"{message['MessageId']}: {exc}")
                continue
            label = f"{work} (failed with: {error.get('StringValue', 'unknown')})"
            if dry_run:
                outcome.done.append(label)
                continue
            try:
                work.run()
            except Exception:
                logger.exception("Replaying %s failed again", work)
                outcome.failed.append(label)
                continue
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            outcome.done.append(label)
    return outcome
