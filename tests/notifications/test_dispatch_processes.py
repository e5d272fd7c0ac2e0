"""The one hand-over of committed e-mails in the processes that make them: gunicorn's forked workers and
Celery pool children that exit after one task. Real gunicorn, Redis, Celery worker and SMTP sink; no
outbox sweep runs, so every e-mail that arrives was handed over by the process that made it."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import database_url, wait_until
from tests.inbound_mail import INBOUND, start_conversation
from wagtail_support.notifications.models import Notification, NotificationStatus

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_emails_made_in_a_pool_child_that_exits_after_its_task_leave_at_once(
    default_site, settings, start_worker, smtp_sink
):
    settings.WAGTAIL_SUPPORT = INBOUND
    conversation = start_conversation(default_site)
    # Billiard children skip atexit: a dispatcher thread there, waiting for the rest of a burst, would
    # take its ids with it when the child exits after its one task.
    start_worker(
        overrides={**INBOUND, "NOTIFICATION_BATCH_WAIT": 5},
        pool=("--pool=prefork", "--concurrency=1", "--max-tasks-per-child=1"),
    )
    raw = conversation.fill("outlook_reply_es.eml")
    call_command(
        "support_receive_email", stdin=__import__("io").BytesIO(raw), stdout=__import__("io").StringIO()
    )

    made_in_the_task = Notification.objects.filter(kind="ticket_reply_staff")
    wait_until(lambda: made_in_the_task.count() == 2, message="the team's e-mails written by the task")
    wait_until(
        lambda: made_in_the_task.filter(status=NotificationStatus.SENT).count() == 2,
        timeout=20,  # the sweep's grace alone is 30 s, and no sweep runs here
        message="the team's e-mails sent without the sweep",
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_forked_gunicorn_workers_each_hand_over_their_own_emails(start_worker, smtp_sink, redis_url):
    start_worker()
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",  # its one view notifies, CSRF-exempt
        "DATABASE_URL": database_url(),
        "BENCH_BROKER_URL": redis_url,
        "BENCH_QUEUE": f"wagtail-support-test-{os.environ['WAGTAIL_SUPPORT_TEST_RUN']}",  # the worker's
        "SECRET_KEY": "test-only",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    # --preload: Django and the dispatcher are loaded in the master, then forked into each worker.
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "example_site.wsgi:application",
            "--preload",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until(lambda: _answers(port), timeout=30, message="gunicorn to answer")
        for n in range(10):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/bench/notify/", data=f"n={n}".encode(), method="POST"
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
                assert response.status == 201
        smtp_sink.wait_for(10)
        wait_until(
            lambda: Notification.objects.filter(status=NotificationStatus.SENT).count() == 10,
            timeout=20,
            message="every e-mail sent without the sweep",
        )
    finally:
        server.terminate()
        server.wait(10)
    assert len(smtp_sink.messages) == 10


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        time.sleep(0.2)
        return False
