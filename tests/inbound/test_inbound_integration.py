"""A piped reply with the real parts: a broker (Redis and RabbitMQ), a Celery worker process, the SMTP
server the team's e-mails reach. The command and the web side run in this process; the worker on the
same test database."""

import io

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from tests.conftest import BROKERS, use_routes, wait_until
from tests.inbound_mail import INBOUND, customer_messages, start_conversation
from wagtail_support.inbound.models import InboundMessage, InboundStatus

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.parametrize("broker_url", BROKERS, indirect=True),
]


def text_of(message):
    """The plain-text part of an e-mail, decoded (the subject is the thread's, the same on every e-mail)."""
    parts = [part for part in message.walk() if part.get_content_type() == "text/plain"]
    return "".join(
        part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8") for part in parts
    )


def test_a_piped_reply_is_processed_by_the_worker_and_the_team_is_told_once(
    default_site, settings, start_worker, smtp_sink
):
    settings.WAGTAIL_SUPPORT = INBOUND
    conversation = start_conversation(default_site)
    start_worker(overrides=INBOUND)
    raw = conversation.fill("outlook_reply_es.eml")
    call_command("support_receive_email", stdin=io.BytesIO(raw), stdout=io.StringIO())
    call_command("support_receive_email", stdin=io.BytesIO(raw), stdout=io.StringIO())  # redelivered

    row = InboundMessage.objects.get()
    wait_until(lambda: InboundMessage.objects.get().status == InboundStatus.ATTACHED, message="reply added")

    # The conversation's own e-mails (opened, the team's answer) go through the worker too.
    def team_replies():
        return [m for m in smtp_sink.messages if "replied:" in text_of(m)]  # ticket_reply_staff

    wait_until(lambda: len(team_replies()) >= 2, message="the team's e-mails")
    wait_until(lambda: len(smtp_sink.messages) >= 6, message="every e-mail of the conversation")
    assert sorted(message["To"] for message in team_replies()) == ["lead@example.com", "team@example.com"]
    [reply] = customer_messages(conversation.ticket)[1:]
    assert reply.body.startswith("Buenos días:") and "De: Soporte" not in reply.body
    row.refresh_from_db()
    assert row.ticket_message == reply and row.attempts == 1


def test_inbound_and_outbound_mail_each_go_to_their_own_queue_and_worker(
    default_site, settings, start_worker, smtp_sink
):
    """docs/workers.md#queues-for-a-worker-pool: CELERY_TASK_ROUTES by the stable task names, one worker
    per queue; a reply is processed by the inbound worker and the e-mails it causes by the mail worker."""
    run = django_settings.RUN_ID
    mail_queue, inbound_queue = f"support-mail-{run}", f"support-inbound-{run}"
    routes = {
        "wagtail_support.process_inbound_message": {"queue": inbound_queue},
        "wagtail_support.sweep_inbound": {"queue": inbound_queue},
        "wagtail_support.send_notification*": {"queue": mail_queue},
    }
    settings.WAGTAIL_SUPPORT = INBOUND
    use_routes(routes)
    try:
        conversation = start_conversation(default_site)
        mail_worker = start_worker(overrides=INBOUND, queue=mail_queue, task_routes=routes)
        inbound_worker = start_worker(overrides=INBOUND, queue=inbound_queue, task_routes=routes)
        raw = conversation.fill("outlook_reply_es.eml")
        call_command("support_receive_email", stdin=io.BytesIO(raw), stdout=io.StringIO())
        attached = InboundStatus.ATTACHED
        wait_until(lambda: InboundMessage.objects.get().status == attached, message="reply added")
        wait_until(lambda: len(smtp_sink.messages) >= 6, message="every e-mail of the conversation")
    finally:
        use_routes(None)
    ran_inbound, ran_mail = (
        "Task wagtail_support.process_inbound_message[",
        "Task wagtail_support.send_notification",
    )
    assert ran_inbound in inbound_worker.output()  # the worker's log line for a task it received
    assert ran_mail not in inbound_worker.output()
    assert ran_mail in mail_worker.output()
    assert ran_inbound not in mail_worker.output()
