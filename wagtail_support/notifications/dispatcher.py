"""Handing committed outbox rows to Celery from a thread of the process's own, a burst at a time.

No request should wait for the broker, and shops deliver orders in bursts. So once a transaction
commits, ``outbox.dispatch_on_commit`` gives the ids of its new rows to this process's dispatcher and
returns. The dispatcher's thread waits up to ``NOTIFICATION_BATCH_WAIT`` seconds for the rest of a
burst, then publishes the ids it holds as one Celery task (at most ``BATCH_SIZE`` ids per task, and
at once when it holds that many); a lone e-mail still leaves within that wait.

Nothing is lost when a hand-over is: a process killed before its thread published leaves its rows
pending in the outbox, and the sweep queues them after ``OUTBOX_SWEEP_GRACE``. A broker that is down
is logged by the thread, and the sweep sends those rows once it is back.

Rows are handed over at once, in the committing thread, when Celery runs tasks eagerly (the demo,
most tests) or when ``NOTIFICATION_DISPATCH`` is ``"inline"`` (servers that run no threads of the
application's, such as uWSGI without ``--enable-threads``).
"""

import atexit
import logging
import os
import threading
import time

from wagtail_support.conf import support_settings

logger = logging.getLogger(__name__)

BATCH_SIZE = 20  # ids per Celery task: a burst is spread over the workers, not sent by one of them


class Dispatcher:
    """Collects ids from any thread; one thread of its own calls ``publish(queue, ids)`` in batches.

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
                self._publish(queue, batch)
            except Exception:  # never let the thread die: the sweep sends what was not published
                logger.exception("Could not hand notifications %s to Celery; the outbox sweep will.", batch)
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


def _publish(queue, ids):
    from wagtail_support.notifications.outbox import dispatch_many

    dispatch_many(ids, queue=queue)


dispatcher = Dispatcher(_publish)
# A forked child (a Celery or web worker) starts with no thread and none of its parent's ids.
os.register_at_fork(after_in_child=dispatcher._reset)
# At exit, publish what is still held (bounded: the sweep sends anything left).
atexit.register(dispatcher.flush, 2.0)
