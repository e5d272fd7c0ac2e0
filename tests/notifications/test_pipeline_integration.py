"""The notification pipeline with its real parts: a broker, a Celery worker process, an SMTP server.

The web side runs in this process; the worker is a separate ``celery worker`` process on the same
test database. Nothing of ours is mocked: only the mail server is a local stand-in. Every test runs
on Redis and on RabbitMQ (issue 19.2).
"""

import pytest
from django.conf import settings as django_settings
from django.core import mail as django_mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from tests.conftest import BROKERS, use_broker, wait_until
from tests.factories import UserFactory
from wagtail_support.health import alerts
from wagtail_support.notifications import dispatcher as dispatching
from wagtail_support.notifications.dispatcher import dispatcher
from wagtail_support.notifications.models import Notification, NotificationStatus
from wagtail_support.notifications.outbox import notify

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.parametrize("broker_url", BROKERS, indirect=True),
]

NO_GRACE = {"OUTBOX_SWEEP_GRACE": 0}


def status_of(notification):
    notification.refresh_from_db()
    return notification.status


def test_committed_notification_travels_through_redis_and_the_worker(start_worker, smtp_sink):
    start_worker()
    with transaction.atomic():
        notification = notify("test_message", "ann@example.com", {"note": "via the worker"})
    [message] = smtp_sink.wait_for(1)
    assert message["To"] == "ann@example.com"
    assert "via the worker" in message.get_body(("plain",)).get_content()
    wait_until(lambda: status_of(notification) == NotificationStatus.SENT, message="row marked sent")


def test_rolled_back_notification_never_reaches_the_worker(start_worker, smtp_sink):
    start_worker()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify("test_message", "rolled-back@example.com")
        raise RuntimeError("request failed")
    with transaction.atomic():
        notify("test_message", "committed@example.com")
    [message] = smtp_sink.wait_for(1)
    assert message["To"] == "committed@example.com"


def test_smtp_failing_twice_then_working_is_sent_by_the_worker_on_the_third_attempt(start_worker, smtp_sink):
    start_worker(overrides={"NOTIFICATION_RETRY_BACKOFF": 0.5})
    smtp_sink.fail_next(2)
    with transaction.atomic():
        notification = notify("test_message", "patient@example.com")
    smtp_sink.wait_for(1)
    wait_until(lambda: status_of(notification) == NotificationStatus.SENT, message="row marked sent")
    assert notification.attempts == 3
    assert smtp_sink.handler.attempts == 3
    assert len(smtp_sink.messages) == 1


def test_broker_down_keeps_the_row_and_the_sweep_sends_it_once(
    client, settings, broker_url, dead_broker_url, smtp_sink, start_worker, caplog
):
    settings.ROOT_URLCONF = "tests.urls"
    use_broker(dead_broker_url, eager=False)  # the broker goes down
    response = client.post("/test-notify/", {"to": "outage@example.com"})
    assert response.status_code == 201  # the request succeeds while the broker is down
    assert dispatcher.flush()
    assert "the outbox sweep will send it" in caplog.text  # the hand-over really met the outage
    notification = Notification.objects.get()
    assert notification.status == NotificationStatus.PENDING

    use_broker(broker_url, eager=False)
    start_worker(overrides=NO_GRACE)  # the broker is back, and so is a worker
    from wagtail_support.notifications.tasks import sweep_outbox

    sweep_outbox.delay()  # what Celery beat runs
    [message] = smtp_sink.wait_for(1)
    assert message["To"] == "outage@example.com"
    wait_until(lambda: status_of(notification) == NotificationStatus.SENT, message="row marked sent")

    with override_settings(WAGTAIL_SUPPORT=NO_GRACE):
        call_command("support_send_notifications")
        call_command("support_send_notifications")
    sweep_outbox.delay()
    with transaction.atomic():
        notify("test_message", "marker@example.com")  # goes after the sweep on the same queue
    smtp_sink.wait_for(2)
    assert [m["To"] for m in smtp_sink.messages] == ["outage@example.com", "marker@example.com"]


def test_a_burst_of_emails_is_sent_once_each_by_the_worker(start_worker, smtp_sink):
    start_worker()
    recipients = [f"buyer{i}@example.com" for i in range(30)]
    for recipient in recipients:
        with transaction.atomic():  # one request each, as a burst of webhooks
            notify("test_message", recipient)
    smtp_sink.wait_for(len(recipients))
    wait_until(
        lambda: Notification.objects.filter(status=NotificationStatus.SENT).count() == len(recipients),
        message="every row marked sent",
    )
    assert sorted(m["To"] for m in smtp_sink.messages) == sorted(recipients)


def test_the_worker_sends_a_batch_task_row_by_row(start_worker, smtp_sink):
    worker = start_worker()
    with transaction.atomic():
        rows = [notify("test_message", f"batch{i}@example.com") for i in range(5)]
        transaction.get_connection().run_on_commit.clear()  # handed over below, as one task
    dispatching.publish([row.pk for row in rows], queue=None)  # Celery's default queue, as the worker reads
    smtp_sink.wait_for(len(rows))
    wait_until(lambda: "wagtail_support.send_notifications" in worker.output(), message="the batch task")
    wait_until(
        lambda: Notification.objects.filter(status=NotificationStatus.SENT).count() == len(rows),
        message="every row marked sent",
    )


def test_worker_killed_mid_send_does_not_cause_a_second_email(start_worker, smtp_sink, client, settings):
    queue = f"wagtail-support-kill-test-{django_settings.RUN_ID}"  # this run's own queue on a shared broker
    settings.ADMINS = [("Owner", "owner@example.com")]
    smtp_sink.set_delay(30)  # the server takes the message, then is slow to confirm it
    with override_settings(WAGTAIL_SUPPORT={"CELERY_QUEUE": queue}):
        doomed = start_worker(queue=queue, visibility_timeout=1)
        with transaction.atomic():
            notification = notify("test_message", "once@example.com")
        smtp_sink.wait_for(1)
        assert status_of(notification) == NotificationStatus.SENDING
        doomed.kill()  # dies after the server got the mail, before the row says "sent"
        lag_seen_by_the_load_balancer = health_details(client)["outbox"]

        smtp_sink.set_delay(0)
        heir = start_worker(queue=queue, visibility_timeout=1)  # redelivers the unacknowledged task
        wait_until(
            lambda: "succeeded" in heir.output() and "'skipped'" in heir.output(),
            timeout=40,
            message="the redelivered task to run and skip the claimed row",
        )
        with override_settings(
            WAGTAIL_SUPPORT={"CELERY_QUEUE": queue, "NOTIFICATION_SENDING_TIMEOUT": 0, **NO_GRACE}
        ):
            call_command("support_send_notifications")
            call_command("support_send_notifications")

    assert len(smtp_sink.messages) == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert "may or may not have been delivered" in notification.last_error

    # Issue 19.4: the health endpoint reported the stuck row and its lag; the owner is told.
    assert lag_seen_by_the_load_balancer["sending"] == 1
    assert lag_seen_by_the_load_balancer["oldest_unsent_seconds"] >= 0
    assert health_details(client)["outbox"]["needs_a_person"] == 1
    assert alerts.mail_admins_if_needed() is True
    assert "1 e-mail in the outbox needs a person" in django_mail.outbox[-1].body
    client.force_login(UserFactory(username="agent", groups=["Support agents"]))
    assert "Support e-mail needs attention" in client.get(reverse("wagtailadmin_home")).content.decode()


def health_details(client):
    with override_settings(WAGTAIL_SUPPORT={"HEALTH_TOKEN": "lb-token"}):
        response = client.get(reverse("wagtail_support:health"), HTTP_AUTHORIZATION="Bearer lb-token")
    return response.json()
