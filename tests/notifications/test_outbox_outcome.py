"""Issue 13.2: a message the mail server accepted is never sent twice because its status write failed.

Real faults, no stand-ins for our database layer: at the moment the SMTP sink (the outside world) accepts
the message, another connection locks the outbox (SQLite's write lock, a PostgreSQL table lock) with a short
lock timeout, or terminates the worker's database session (PostgreSQL), so the ``UPDATE ... status='sent'``
after ``send()`` fails as it does under a statement timeout or a dropped connection.
"""

import logging
import sqlite3
import threading
from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.notifications.test_outbox import queue_without_sending, smtp_settings
from wagtail_support.notifications import delivery, outbox
from wagtail_support.notifications.models import Notification, NotificationStatus

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def lock_timeout(seconds):
    """Make this process's database connections give up on a lock after ``seconds`` (a real setting:
    SQLite's busy timeout, PostgreSQL's ``lock_timeout``), for new connections such as a retry's."""
    options = connection.settings_dict["OPTIONS"]
    before = dict(options)
    if connection.vendor == "sqlite":
        options["timeout"] = seconds
    else:
        options["options"] = f"-c lock_timeout={int(seconds * 1000)}"
    connection.close()
    try:
        yield
    finally:
        options.clear()
        options.update(before)
        connection.close()


def postgres_dsn():
    settings = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        password=settings["PASSWORD"] or None,
    )


def lock_outbox_on_accept(sink, hold=None):
    """When the sink accepts the message, another connection locks the outbox (SQLite's write lock, or
    PostgreSQL's exclusive lock on the outbox table) for ``hold`` seconds, or until ``wait_released``."""
    table = Notification._meta.db_table

    def take_lock():
        if connection.vendor == "sqlite":
            name = connection.settings_dict["NAME"]
            other = sqlite3.connect(name, isolation_level=None, check_same_thread=False)
            other.execute("BEGIN IMMEDIATE")
        else:
            other = psycopg.connect(postgres_dsn())
            other.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')
        release = threading.Timer(hold or 0, lambda: (other.rollback(), other.close()))
        if hold is not None:
            release.start()
        sink.releases.append(release)

    sink.releases = []
    sink.handler.on_accept = take_lock


@pytest.fixture
def lock_on_accept(smtp_sink):
    """``lock_outbox_on_accept`` for this test's sink; whatever happens, the lock is let go at the end."""
    smtp_sink.releases = []
    yield lambda: lock_outbox_on_accept(smtp_sink)
    wait_released(smtp_sink)


def wait_released(sink):
    for release in sink.releases:
        if not release.is_alive() and not release.finished.is_set():
            release.start()  # held until now
        release.join()


class ReleaseAfterFirstFailure(logging.Handler):
    """Lets the lock go once the worker has logged its first failed status write."""

    def __init__(self, sink):
        super().__init__()
        self.sink = sink
        self.failures = 0

    def emit(self, record):
        if "writing its status failed" in record.getMessage():
            self.failures += 1
            wait_released(self.sink)


def test_status_write_that_fails_once_is_retried_and_the_row_is_sent(smtp_sink, lock_on_accept):
    notification = queue_without_sending()
    lock_on_accept()
    release = ReleaseAfterFirstFailure(smtp_sink)
    logger = logging.getLogger(delivery.logger.name)
    logger.addHandler(release)
    try:
        with smtp_settings(smtp_sink), lock_timeout(0.1):
            result = outbox.deliver(notification.pk)
    finally:
        logger.removeHandler(release)
        wait_released(smtp_sink)
    notification.refresh_from_db()
    assert release.failures == 1
    assert result.outcome == "sent"
    assert notification.status == NotificationStatus.SENT
    assert len(smtp_sink.messages) == 1


def test_accepted_message_whose_status_cannot_be_written_is_marked_sent_by_the_sweep(
    smtp_sink, lock_on_accept
):
    notification = queue_without_sending()
    lock_on_accept()  # held through every retry of the status write
    with smtp_settings(smtp_sink), lock_timeout(0.1):
        assert outbox.deliver(notification.pk).outcome == "sent"
    wait_released(smtp_sink)
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENDING  # the database never heard of it
    assert delivery.accepted_at(notification.pk) is not None  # but the acceptance was kept

    Notification.objects.filter(pk=notification.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert outbox.sweep() == (0, 0)
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.last_error.startswith("Accepted by the mail server at")
    assert len(smtp_sink.messages) == 1


def test_retry_of_a_failed_row_the_mail_server_accepted_asks_first(client, smtp_sink):
    """The sweep ran while the cache was unreachable: the row says "may or may not"; the note says sent."""
    notification = queue_without_sending()
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.FAILED, last_error=outbox.INTERRUPTED_ERROR
    )
    delivery.remember_acceptance(notification.pk, timezone.now())
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    inspect = reverse("wagtail_support_outbox:inspect", args=[notification.pk])
    retry = reverse("wagtail_support_outbox:retry", args=[notification.pk])

    page = client.get(inspect).content.decode()
    assert "accepted by the mail server at" in page
    assert 'name="confirm"' in page
    response = client.post(retry, {"next": "/admin/support/outbox/"})
    assert response.status_code == 302 and response.url == inspect
    assert Notification.objects.get(pk=notification.pk).status == NotificationStatus.FAILED

    with smtp_settings(smtp_sink):
        client.post(retry, {"confirm": "1"})
    assert Notification.objects.get(pk=notification.pk).status == NotificationStatus.SENT
    assert len(smtp_sink.messages) == 1


@pytest.mark.postgresql
def test_status_write_after_the_database_session_is_killed_is_retried(smtp_sink):
    notification = queue_without_sending()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [backend] = cursor.fetchone()

    def kill_worker_session():
        with psycopg.connect(postgres_dsn(), autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [backend])

    smtp_sink.handler.on_accept = kill_worker_session
    with smtp_settings(smtp_sink):
        assert outbox.deliver(notification.pk).outcome == "sent"
    assert Notification.objects.get(pk=notification.pk).status == NotificationStatus.SENT
    assert len(smtp_sink.messages) == 1
    assert cache.get(delivery.ACCEPTED_KEY.format(notification.pk)) is None
