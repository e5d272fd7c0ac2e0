"""The one hand-over of committed outbox rows to Celery: ``hand_over_on_commit(ids)``.

No request waits for the broker. Publishing from the request itself (Celery's ``delay_on_commit``)
was measured to hold a request 2 s on a broker that is down and 5 s on one that is hung, per e-mail
(``bench/broker_wait.py``). So after COMMIT the ids go to this process's dispatcher thread, which
waits up to ``NOTIFICATION_BATCH_WAIT`` seconds for the rest of a burst and publishes the ids as one
Celery task (at most ``BATCH_SIZE`` ids per task, at once when it holds that many).

Rows are published at once, in the committing thread, where nobody waits on them: when Celery runs
tasks eagerly (the demo, most tests), inside a Celery task (a pool child may exit right after its task,
and billiard children skip ``atexit``), and when ``NOTIFICATION_DISPATCH`` is ``"inline"`` (servers
that run no application threads, such as uWSGI without ``--enable-threads``).

Nothing is lost when a hand-over is: a process killed before its thread published leaves its rows
pending, never marked queued, and the outbox sweep queues them after ``OUTBOX_SWEEP_GRACE``.

This module knows the tasks by their stable names, not by importing them: ``tasks.py`` imports the
outbox, and the outbox imports this module, so nothing imports back up.
"""

import atexit
import logging
import os
import threading
import time
from functools import partial

from celery import current_app, current_task
from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from wagtail_support.conf import support_settings
from wagtail_support.notifications.models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

BATCH_SIZE = 20  # ids per Celery task: a burst is spread over the workers, not sent by one of them
SEND_ONE = "wagtail_support.send_notification"
SEND_MANY = "wagtail_support.send_notifications"


def hand_over_on_commit(ids):
    """Hand rows written in the current transaction to Celery once it commits (at once outside one)."""
    if ids:
        transaction.on_commit(partial(_hand_over, list(ids), support_settings.CELERY_QUEUE), robust=True)


def _hand_over(ids, queue):
    if _eager() or current_task or support_settings.NOTIFICATION_DISPATCH == "inline":
        for start in range(0, len(ids), BATCH_SIZE):
            publish(ids[start : start + BATCH_SIZE], queue)
    else:
        for notification_id in ids:
            dispatcher.submit(notification_id, queue)


def publish(ids, queue=None, countdown=None):
    """Publish rows as one task on ``queue`` (None: Celery's default) and mark them queued, so the sweep
    leaves them to the broker. A broker that is down is logged, not raised: the sweep sends them later.
    """
    ids = list(ids)
    name, argument = (SEND_ONE, ids[0]) if len(ids) == 1 else (SEND_MANY, ids)
    published = publish_task(current_app.tasks[name], argument, queue, countdown)
    if published and not _eager():  # an eager task has already run
        try:
            Notification.objects.filter(pk__in=ids, status=NotificationStatus.PENDING).update(
                queued_at=timezone.now()
            )
        except DatabaseError:  # published all the same; the sweep may queue them once more
            logger.warning("Could not mark notifications %s queued.", ids, exc_info=True)
    return published


#: Celery/kombu's own retry, once and at once: a pooled broker connection the broker has closed while it
#: sat idle (RabbitMQ's heartbeat, a restart, a load balancer) fails the first publish; kombu then
#: reconnects and publishes again. A broker that is really down fails the second attempt as fast as the
#: first, so it still costs no waiting loop: the sweep sends the rows later.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}


def publish_task(task, argument, queue, countdown=None, fallback="the outbox sweep will send it"):
    """Publish ``task(argument)`` to Celery, retried once on a fresh connection (``RETRY_POLICY``); a
    broker that is down is logged with ``fallback`` (what picks the work up later) and False returned,
    never raised."""
    options = {"retry": True, "retry_policy": RETRY_POLICY}
    if queue:
        options["queue"] = queue
    if countdown:
        options["countdown"] = countdown
    try:
        task.apply_async((argument,), **options)
    except Exception:
        logger.warning("Could not queue %s for %s; %s.", task.name, argument, fallback, exc_info=True)
        return False
    return True


def _eager():
    return current_app.conf.task_always_eager


class Dispatcher:
    """Collects ids from any thread; one thread of its own calls ``publish(ids, queue)`` in batches.

    Each id keeps the Celery queue it was handed over for, since settings may change before the
    thread publishes it; a batch holds ids of one queue.
    """

    def __init__(self, publish):
        self._publish = publish
        self._reset()

    def _reset(self):
        self._ready = threading.Condition()
        self._ids = []
        self._publishing = False
        self._thread = None

    def submit(self, notification_id, queue=None):
        with self._ready:
            self._ids.append((queue, notification_id))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="wagtail-support-dispatch", daemon=True
                )
                self._thread.start()
            if len(self._ids) in (1, BATCH_SIZE):  # the thread waits for a first id, or for a full batch
                self._ready.notify_all()

    def flush(self, timeout=5.0):
        """Wait until every id submitted so far is published; False if ``timeout`` passed first."""
        deadline = time.monotonic() + timeout
        with self._ready:
            while self._ids or self._publishing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._ready.wait(remaining)
        return True

    def _run(self):
        while True:
            with self._ready:
                while not self._ids:
                    self._ready.wait()
                self._publishing = True
                # The rest of a burst joins this batch, until it is full or the wait is over.
                deadline = time.monotonic() + support_settings.NOTIFICATION_BATCH_WAIT
                while len(self._ids) < BATCH_SIZE and (remaining := deadline - time.monotonic()) > 0:
                    self._ready.wait(remaining)
                queue, batch = self._take()
            try:
                self._publish(batch, queue)
            except Exception:  # never let the thread die: the sweep sends what was not published
                logger.exception("Could not hand notifications %s to Celery; the outbox sweep will.", batch)
            finally:
                connections.close_all()  # this thread's own connections only: none is held between bursts
            with self._ready:
                self._publishing = False
                self._ready.notify_all()

    def _take(self):
        """The oldest id's queue and up to ``BATCH_SIZE`` ids for it, in order; the rest stay."""
        queue = self._ids[0][0]
        batch, rest = [], []
        for item in self._ids:
            (batch if item[0] == queue and len(batch) < BATCH_SIZE else rest).append(item)
        self._ids = rest
        return queue, [notification_id for _, notification_id in batch]


dispatcher = Dispatcher(publish)
# A forked child (a gunicorn or Celery worker) starts with no thread and none of its parent's ids.
os.register_at_fork(after_in_child=dispatcher._reset)
# At exit, publish what is still held (bounded: the sweep sends anything left).
atexit.register(dispatcher.flush, 2.0)
