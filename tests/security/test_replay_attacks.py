"""The dead-letter queue's replay runs only the shop's own tasks and schedules: a message
that names anything else (planted by whoever could write to the queue) runs nothing."""

import json

import pytest

from shop.replay import NotReplayable, work_of


@pytest.mark.parametrize(
    "event",
    [
        {"task_path": "os.system", "args": ["touch /tmp/owned"]},
        {"task_path": "builtins.eval", "args": ["1"]},
        {"task_path": "shop.replay.failed_tasks_replay", "kwargs": {"queue_url": "x"}},
        {"task_path": "shop.outbox.emails_send_again", "args": []},  # the shop's, not a task
        {"task_path": "shop.tasks.no_such_task", "args": []},
        {"task_path": "shop..tasks", "args": []},
        {"task_path": ["shop.tasks.outbox_send_task"], "args": []},
        {"task_path": "shop.tasks.outbox_send_task", "args": "1"},
        {"task_path": "shop.tasks.outbox_send_task", "args": [], "kwargs": []},
        {"detail-type": "Scheduled Event", "resources": ["rule/shop-production-os.system"]},
        {"detail-type": "Scheduled Event", "resources": []},
        {"requestPayload": "shop.tasks.outbox_send_task"},
        ["shop.tasks.outbox_send_task"],
        {"something": "else"},
    ],
)
def test_a_message_naming_anything_but_a_shop_task_is_refused(event):
    with pytest.raises(NotReplayable):
        work_of(json.dumps(event))


def test_a_message_that_is_not_json_is_refused():
    with pytest.raises(NotReplayable):
        work_of("{'task_path': 'os.system'")


def test_the_shops_own_task_and_schedule_are_accepted():
    assert str(work_of(json.dumps({"task_path": "shop.tasks.outbox_send_task", "args": [1]}))) == (
        "shop.tasks.outbox_send_task"
    )
    schedule = {
        "detail-type": "Scheduled Event",
        "resources": ["rule/shop-dev-shop.schedules.send_outbox"],
    }
    assert str(work_of(json.dumps(schedule))) == "shop.schedules.send_outbox"
