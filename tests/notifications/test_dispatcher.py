"""Committed e-mails reach the real Redis broker from the dispatcher's thread, a burst in a few tasks."""

import base64
import json
import logging
import multiprocessing
import os
import time

import pytest
from django.core.checks import run_checks
from django.db import transaction
from django.test import override_settings

from tests.conftest import DEAD_BROKER_URL, use_broker
from wagtail_support.notifications.dispatcher import BATCH_SIZE, dispatcher
from wagtail_support.notifications.models import Notification, NotificationStatus
from wagtail_support.notifications.outbox import notify

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = f"wagtail-support-dispatch-test-{os.getpid()}"


@pytest.fixture
def queue(live_broker):
    """This test's own Redis queue, which no worker reads: ``queue()`` lists what was published."""
    import redis

    client = redis.Redis.from_url(live_broker)
    client.delete(QUEUE)

    def published():
        tasks = []
        for raw in reversed(client.lrange(QUEUE, 0, -1)):  # LPUSH: newest first
            message = json.loads(raw)
            args, _, _ = json.loads(base64.b64decode(message["body"]))
            tasks.append((message["headers"]["task"], args[0]))
        return tasks

    with override_settings(WAGTAIL_SUPPORT={"CELERY_QUEUE": QUEUE}):
        yield published
        assert dispatcher.flush(), "the dispatcher still held ids at the end of the test"
    client.delete(QUEUE)


def committed(count, recipient="ann@example.com"):
    """``count`` notifications, each committed by a transaction of its own, as requests do."""
    rows = []
    for _ in range(count):
        with transaction.atomic():
            rows.append(notify("test_message", recipient))
    return rows


def test_a_committed_email_is_published_by_the_dispatcher_thread(queue):
    [notification] = committed(1)

    assert dispatcher.flush()
    assert queue() == [("wagtail_support.send_notification", notification.pk)]
    notification.refresh_from_db()
    assert notification.queued_at is not None  # the sweep leaves it to the broker


def test_a_burst_is_published_in_batches_with_every_id_once(queue):
    rows = committed(3 * BATCH_SIZE)

    assert dispatcher.flush()
    tasks = queue()
    ids = [i for name, arg in tasks for i in (arg if name.endswith("send_notifications") else [arg])]
    assert sorted(ids) == sorted(row.pk for row in rows)
    assert len(tasks) < len(rows)  # a burst shares tasks
    assert all(len(arg) <= BATCH_SIZE for name, arg in tasks if name.endswith("send_notifications"))


def test_a_full_batch_leaves_without_waiting_for_the_rest_of_the_wait(queue):
    with override_settings(WAGTAIL_SUPPORT={"CELERY_QUEUE": QUEUE, "NOTIFICATION_BATCH_WAIT": 1}):
        rows = committed(BATCH_SIZE)
        started = time.monotonic()
        assert dispatcher.flush()
        waited = time.monotonic() - started

    assert queue() == [("wagtail_support.send_notifications", [row.pk for row in rows])]
    assert waited < 0.5  # a full batch does not sit out the second


def test_a_rolled_back_email_is_never_handed_over(queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify("test_message", "rolled-back@example.com")
        raise RuntimeError("request failed")

    assert dispatcher.flush()
    assert queue() == []


def test_each_email_goes_to_the_queue_named_when_it_was_committed(queue, live_broker):
    import redis

    other = f"{QUEUE}-other"
    client = redis.Redis.from_url(live_broker)
    try:
        with override_settings(WAGTAIL_SUPPORT={"CELERY_QUEUE": other, "NOTIFICATION_BATCH_WAIT": 0.3}):
            [first] = committed(1)
        [second] = committed(1)  # back to the fixture's queue, while the thread still waits
        assert dispatcher.flush()

        [raw] = client.lrange(other, 0, -1)
        assert json.loads(raw)["headers"]["task"] == "wagtail_support.send_notification"
        assert queue() == [("wagtail_support.send_notification", second.pk)]
    finally:
        client.delete(other)


def test_inline_dispatch_publishes_before_the_commit_returns(queue):
    with override_settings(WAGTAIL_SUPPORT={"CELERY_QUEUE": QUEUE, "NOTIFICATION_DISPATCH": "inline"}):
        [notification] = committed(1)
        assert queue() == [("wagtail_support.send_notification", notification.pk)]  # no flush needed


def test_a_broker_outage_leaves_the_rows_pending_and_the_thread_working(queue, redis_url, caplog):
    use_broker(DEAD_BROKER_URL, eager=False)
    with caplog.at_level(logging.WARNING, logger="wagtail_support"):
        [lost] = committed(1, "outage@example.com")  # returns at once: the thread meets the outage
        assert dispatcher.flush()
    assert "the outbox sweep will send it" in caplog.text
    lost.refresh_from_db()
    assert lost.status == NotificationStatus.PENDING  # for the sweep

    use_broker(redis_url, eager=False)  # the broker is back
    [notification] = committed(1)
    assert dispatcher.flush()
    assert queue() == [("wagtail_support.send_notification", notification.pk)]


def _child_state(results):
    results.put((dispatcher._thread is None, list(dispatcher._ids)))


def test_a_forked_process_starts_with_a_dispatcher_of_its_own(queue):
    committed(1)  # this process's thread is running
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_child_state, args=(results,))
    child.start()
    child.join(30)

    assert results.get(timeout=5) == (True, [])


def test_eager_celery_sends_in_the_committing_thread(mailoutbox):
    with transaction.atomic():
        notification = notify("test_message", "ann@example.com")

    assert [m.to for m in mailoutbox] == [["ann@example.com"]]  # no thread, no flush
    assert Notification.objects.get(pk=notification.pk).status == NotificationStatus.SENT


@pytest.mark.parametrize(
    ("setting", "value", "check"),
    [
        ("NOTIFICATION_DISPATCH", "threads", "wagtail_support.E001"),
        ("NOTIFICATION_BATCH_WAIT", 5, "wagtail_support.E002"),
        ("NOTIFICATION_BATCH_WAIT", "0.01", "wagtail_support.E002"),
    ],
)
def test_a_wrong_dispatch_setting_is_a_start_up_error(setting, value, check):
    with override_settings(WAGTAIL_SUPPORT={setting: value}):
        assert check in [message.id for message in run_checks()]
