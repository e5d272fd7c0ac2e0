"""The outbox service: rows written in the caller's transaction, sent once, retried, swept."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.test import override_settings
from django.utils import timezone

from wagtail_support.notifications import outbox
from wagtail_support.notifications.models import Notification, NotificationStatus
from wagtail_support.notifications.outbox import notify
from wagtail_support.notifications.render import render_email

pytestmark = pytest.mark.django_db(transaction=True)

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def smtp_settings(sink, **support):
    return override_settings(
        EMAIL_BACKEND=SMTP,
        EMAIL_HOST=sink.host,
        EMAIL_PORT=sink.port,
        EMAIL_TIMEOUT=5,
        WAGTAIL_SUPPORT={"NOTIFICATION_RETRY_BACKOFF": 1, **support},
    )


def queue_without_sending(**kwargs):
    """Write a pending row as a request does while the broker is down."""
    with transaction.atomic():
        notification = notify("test_message", kwargs.pop("recipient", "a@example.com"), **kwargs)
        transaction.get_connection().run_on_commit.clear()
    return notification


def test_committed_notification_is_rendered_and_sent():
    with transaction.atomic():
        notification = notify("test_message", "ann@example.com", {"note": "Hello <b>Ann</b>"})
        assert mail.outbox == []  # nothing leaves before the commit
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 1
    assert notification.sent_at is not None
    [email] = mail.outbox
    assert email.to == ["ann@example.com"]
    assert email.subject == "[Test] Test message from your support site"
    assert "Hello <b>Ann</b>" in email.body  # plain text is not escaped
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "Hello &lt;b&gt;Ann&lt;/b&gt;" in html  # HTML is escaped
    assert email.extra_headers["Message-ID"] == render_email(notification).extra_headers["Message-ID"]


def test_rolled_back_transaction_sends_nothing_and_leaves_no_row():
    with pytest.raises(RuntimeError), transaction.atomic():
        notify("test_message", "ann@example.com")
        raise RuntimeError("the request failed")
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_same_dedupe_key_gives_one_row_and_one_email():
    for _ in range(3):
        with transaction.atomic():
            notify("test_message", "ann@example.com", dedupe_key="welcome:42")
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_unknown_kind_fails_in_the_caller_and_writes_nothing():
    with pytest.raises(TemplateDoesNotExist), transaction.atomic():
        notify("no_such_kind", "ann@example.com")
    assert Notification.objects.count() == 0


def test_a_row_is_claimed_once_so_racing_senders_send_once():
    notification = queue_without_sending()
    results = [outbox.deliver(notification.pk) for _ in range(3)]
    assert [r.outcome for r in results] == ["sent", "skipped", "skipped"]
    assert len(mail.outbox) == 1


def test_row_claimed_by_a_lost_worker_is_not_sent_again():
    notification = queue_without_sending()
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENDING, attempts=1, claimed_at=timezone.now()
    )
    assert outbox.deliver(notification.pk).outcome == "skipped"
    assert outbox.sweep() == (0, 0)
    assert mail.outbox == []


def test_sweep_marks_rows_stuck_in_sending_as_failed_with_an_explanation():
    notification = queue_without_sending()
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert outbox.sweep() == (0, 1)
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert "may or may not have been delivered" in notification.last_error
    assert mail.outbox == []


@override_settings(WAGTAIL_SUPPORT={"OUTBOX_SWEEP_GRACE": 30})
def test_sweep_leaves_young_rows_to_their_own_task():
    queue_without_sending()
    assert outbox.sweep() == (0, 0)
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    assert outbox.sweep() == (1, 0)
    assert len(mail.outbox) == 1


@override_settings(WAGTAIL_SUPPORT={"OUTBOX_SWEEP_GRACE": 0, "OUTBOX_REQUEUE_AFTER": 600})
def test_sweep_leaves_rows_waiting_in_the_brokers_queue_until_it_would_have_redelivered_them():
    queue_without_sending()
    Notification.objects.update(queued_at=timezone.now() - timedelta(minutes=5))  # behind a backlog
    assert outbox.sweep() == (0, 0)
    Notification.objects.update(queued_at=timezone.now() - timedelta(minutes=11))  # lost by the broker
    assert outbox.sweep() == (1, 0)
    assert len(mail.outbox) == 1


@override_settings(WAGTAIL_SUPPORT={"OUTBOX_SWEEP_GRACE": 0})
def test_sweep_waits_for_the_retry_time():
    notification = queue_without_sending()
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    assert outbox.sweep() == (0, 0)


@override_settings(WAGTAIL_SUPPORT={"NOTIFICATION_RETRY_BACKOFF": 10, "NOTIFICATION_RETRY_BACKOFF_MAX": 60})
def test_retry_delay_doubles_with_jitter_up_to_the_cap():
    for attempts, ceiling in [(1, 10), (2, 20), (3, 40), (4, 60), (9, 60)]:
        delays = [outbox.retry_delay(attempts) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert max(delays) - min(delays) > 0  # jitter spreads retries of many messages


def test_smtp_failing_twice_then_working_sends_on_the_third_attempt(smtp_sink):
    notification = queue_without_sending()
    smtp_sink.fail_next(2)
    with smtp_settings(smtp_sink):
        first = outbox.deliver(notification.pk)
        notification.refresh_from_db()
        assert first.outcome == "retry"
        assert notification.status == NotificationStatus.PENDING
        assert "451" in notification.last_error
        first_wait = notification.next_attempt_at - timezone.now()
        second = outbox.deliver(notification.pk)
        notification.refresh_from_db()
        second_wait = notification.next_attempt_at - timezone.now()
        third = outbox.deliver(notification.pk)
    assert [first.outcome, second.outcome, third.outcome] == ["retry", "retry", "sent"]
    assert 0.5 <= first.retry_in <= 1 and 1 <= second.retry_in <= 2  # backoff grows
    assert timedelta(0) < first_wait <= timedelta(seconds=1)
    assert timedelta(0) < second_wait <= timedelta(seconds=2)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.last_error) == ("sent", 3, "")
    assert len(smtp_sink.messages) == 1


def test_smtp_always_failing_marks_the_row_failed_with_the_error(smtp_sink):
    notification = queue_without_sending()
    smtp_sink.fail_next(100)
    with smtp_settings(smtp_sink, NOTIFICATION_MAX_ATTEMPTS=3):
        outcomes = [outbox.deliver(notification.pk).outcome for _ in range(4)]
    assert outcomes == ["retry", "retry", "failed", "skipped"]
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.attempts == 3
    assert "451 4.3.0 Mail server busy" in notification.last_error
    assert smtp_sink.messages == []


def test_retry_puts_a_failed_row_back_and_sends_it():
    notification = queue_without_sending()
    Notification.objects.filter(pk=notification.pk).update(status=NotificationStatus.FAILED, attempts=5)
    notification.refresh_from_db()
    with transaction.atomic():
        assert outbox.retry(notification) is True
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 1)
    assert len(mail.outbox) == 1
    assert outbox.retry(notification) is False  # only failed rows go back


@override_settings(WAGTAIL_SUPPORT={"OUTBOX_SWEEP_GRACE": 0})
def test_send_notifications_command_sends_due_rows_once(capsys):
    queue_without_sending(recipient="a@example.com")
    queue_without_sending(recipient="b@example.com")
    call_command("support_send_notifications")
    call_command("support_send_notifications")
    out = capsys.readouterr().out
    assert "Sent 2, will retry 0, failed 0 of 2 due message(s)." in out
    assert "Sent 0, will retry 0, failed 0 of 0 due message(s)." in out
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]


def test_send_test_email_command_queues_a_test_message(capsys):
    call_command("support_send_test_email", "owner@example.com")
    assert "Queued test message" in capsys.readouterr().out
    assert mail.outbox[0].to == ["owner@example.com"]


def test_send_test_email_command_refuses_a_bad_address():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="is not an e-mail address"):
        call_command("support_send_test_email", "not-an-address")
    assert Notification.objects.count() == 0


def test_the_request_path_does_not_send_mail_itself(client, settings):
    """With a broker, the request only writes the row and queues a task; see the worker tests."""
    settings.ROOT_URLCONF = "tests.urls"
    response = client.post("/test-notify/", {"to": "c@example.com"})
    assert response.status_code == 201
    assert Notification.objects.get().recipient == "c@example.com"


def test_notify_view_refuses_get(client, settings):
    settings.ROOT_URLCONF = "tests.urls"
    assert client.get("/test-notify/").status_code == 405
    assert Notification.objects.count() == 0


def test_a_site_overrides_the_email_templates(tmp_path, settings):
    override = tmp_path / "wagtail_support" / "email" / "test_message"
    override.mkdir(parents=True)
    (override / "subject.txt").write_text("Acme says hello")
    (override / "body.txt").write_text("Plain words for {{ recipient }}")
    (override / "body.html").write_text("<p>Rich words for {{ recipient }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with transaction.atomic():
        notify("test_message", "ann@example.com")
    [email] = mail.outbox
    assert email.subject == "[Test] Acme says hello"
    assert email.body == "Plain words for ann@example.com"
    assert email.alternatives[0][0] == "<p>Rich words for ann@example.com</p>"


def test_the_example_celery_app_runs_the_sweep_on_its_beat_schedule():
    from example_site.celery import app

    entry = app.conf.beat_schedule["wagtail-support-sweep-outbox"]
    assert entry["task"] == "wagtail_support.sweep_outbox"
    assert "wagtail_support.sweep_outbox" in app.tasks
    assert "wagtail_support.send_notification" in app.tasks


def test_notify_many_writes_new_rows_once_and_hands_them_over():
    notify("test_message", "ann@example.com", dedupe_key="import:1")
    emails = [
        {"kind": "test_message", "recipient": "ann@example.com", "dedupe_key": "import:1"},  # queued already
        {"kind": "test_message", "recipient": "bob@example.com", "dedupe_key": "import:2"},
        {
            "kind": "test_message",
            "recipient": "bob@example.com",
            "dedupe_key": "import:2",
        },  # twice in the file
        {"kind": "test_message", "recipient": "cy@example.com", "dedupe_key": "import:3"},
    ]
    new = outbox.notify_many(emails)

    assert sorted(row.recipient for row in new) == ["bob@example.com", "cy@example.com"]
    assert Notification.objects.count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.com", "bob@example.com", "cy@example.com"]
