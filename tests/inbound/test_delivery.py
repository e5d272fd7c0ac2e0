"""Nothing lost, nothing twice: a redelivery, a second run, a killed worker or a broker outage gives one
message on the ticket; the MTA pipe's exit status tells the mail server when to try again."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from tests.inbound_mail import INBOUND, customer_messages, start_conversation
from wagtail_support.inbound import handling, services
from wagtail_support.inbound.models import InboundMessage, InboundStatus
from wagtail_support.inbound.tasks import process_inbound_message

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def conversation(default_site, settings):
    settings.WAGTAIL_SUPPORT = {**INBOUND, "OUTBOX_SWEEP_GRACE": 0}
    return start_conversation(default_site)


def test_the_same_message_delivered_twice_gives_one_message(conversation):
    raw = conversation.fill("gmail_reply_en.eml")
    first, created = services.receive(raw, via="imap")
    again, created_again = services.receive(raw, via="webhook:mailgun")
    assert created and not created_again and again.pk == first.pk
    assert InboundMessage.objects.count() == 1
    assert len(customer_messages(conversation.ticket)) == 2


def test_a_message_without_message_id_is_recognised_by_its_bytes(conversation):
    raw = conversation.fill("forged_sender.eml").replace(b"Message-ID: <forged-01@evil.example>\n", b"")
    row, created = services.receive(raw, via="pipe")
    assert created and row.message_id.startswith("sha256:")
    assert services.receive(raw, via="pipe") == (row, False)


def test_the_raw_message_is_stored_whole_in_private_storage(conversation, settings):
    raw = conversation.fill("with_attachments.eml")
    row, _ = services.receive(raw, via="test")
    assert row.raw.name.startswith("inbound/") and row.raw.storage.exists(row.raw.name)
    with row.raw.open("rb") as file:
        assert file.read() == raw
    assert row.size == len(raw) and row.sender == conversation.customer.email


def test_processing_twice_adds_one_message(conversation):
    row, _ = services.receive(conversation.fill("outlook_reply_en.eml"), via="test")
    assert services.process(row.pk) is None  # done already: nothing to claim
    InboundMessage.objects.filter(pk=row.pk).update(status=InboundStatus.PROCESSING, claimed_at=None)
    assert services.process(row.pk) is None  # claimed by a run that finished: the row lock sees its message
    assert len(customer_messages(conversation.ticket)) == 2


def test_a_worker_killed_while_processing_is_resumed_by_the_sweep_with_one_message(conversation, monkeypatch):
    from wagtail_support.tickets import services as tickets

    real_reply = tickets.reply

    def reply_then_die(*args, **kwargs):
        real_reply(*args, **kwargs)  # the message is written ...
        raise KeyboardInterrupt  # ... and the worker dies before the transaction commits

    monkeypatch.setattr(tickets, "reply", reply_then_die)
    with pytest.raises(KeyboardInterrupt):
        services.receive(conversation.fill("gmail_reply_es.eml"), via="test")
    row = InboundMessage.objects.get()
    assert row.status == InboundStatus.PROCESSING and len(customer_messages(conversation.ticket)) == 1

    monkeypatch.setattr(tickets, "reply", real_reply)
    assert services.sweep() == 0  # a live worker may still hold it: not before the timeout
    InboundMessage.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert services.sweep() == 1
    row.refresh_from_db()
    assert row.status == InboundStatus.ATTACHED and row.attempts == 2
    assert len(customer_messages(conversation.ticket)) == 2
    assert services.sweep() == 0


def test_with_the_broker_down_the_message_is_stored_and_the_sweep_processes_it(conversation, monkeypatch):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to the broker")

    monkeypatch.setattr(process_inbound_message, "apply_async", broker_down)
    row, created = services.receive(conversation.fill("apple_mail_reply_es.eml"), via="pipe")
    row.refresh_from_db()
    assert created and row.status == InboundStatus.RECEIVED
    monkeypatch.undo()
    assert services.sweep() == 1
    row.refresh_from_db()
    assert row.status == InboundStatus.ATTACHED and len(customer_messages(conversation.ticket)) == 2


def test_an_error_while_processing_is_kept_for_a_person_after_the_last_attempt(
    conversation, monkeypatch, settings
):
    settings.WAGTAIL_SUPPORT = {**INBOUND, "OUTBOX_SWEEP_GRACE": 0, "INBOUND_MAX_ATTEMPTS": 2}

    def broken(row, raw):
        raise ValueError("the parser choked")

    monkeypatch.setattr(handling, "handle", broken)
    row, _ = services.receive(conversation.fill("gmail_reply_en.eml"), via="test")
    row.refresh_from_db()
    assert row.status == InboundStatus.RECEIVED and "will be tried again" in row.reason
    services.sweep()
    row.refresh_from_db()
    assert row.status == InboundStatus.FAILED and "the parser choked" in row.reason
    monkeypatch.undo()
    assert services.retry(row)
    row.refresh_from_db()
    assert row.status == InboundStatus.ATTACHED and len(customer_messages(conversation.ticket)) == 2


def run_command(raw):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("support_receive_email", stdin=io.BytesIO(raw), stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue()


def test_the_pipe_command_exits_0_once_stored_and_on_a_redelivery(conversation):
    raw = conversation.fill("apple_mail_reply_en.eml")
    assert run_command(raw)[0] == 0
    code, output = run_command(raw)
    assert code == 0 and "Already stored" in output
    assert len(customer_messages(conversation.ticket)) == 2


def test_the_pipe_command_exits_75_when_the_database_is_down_so_the_mail_server_retries(
    conversation, monkeypatch
):
    def database_down(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(InboundMessage.objects, "filter", database_down)
    code, output = run_command(conversation.fill("apple_mail_reply_en.eml"))
    assert code == 75 and "try again" in output


def test_the_pipe_command_refuses_an_empty_or_oversized_message(conversation, settings):
    assert run_command(b"\n")[0] == 65
    settings.WAGTAIL_SUPPORT = {**INBOUND, "INBOUND_MAX_BYTES": 100}
    assert run_command(conversation.fill("apple_mail_reply_en.eml"))[0] == 65
    assert not InboundMessage.objects.exists()


def test_a_reply_the_ticket_rules_refuse_is_held_at_once_with_their_words(conversation, monkeypatch):
    from wagtail_support.tickets import services as tickets

    def refuse(*args, **kwargs):
        raise tickets.TicketError("This ticket is closed. Reopen it to reply.")

    monkeypatch.setattr(tickets, "reply", refuse)
    row, _ = services.receive(conversation.fill("gmail_reply_en.eml"), via="test")
    row.refresh_from_db()
    assert row.status == InboundStatus.HELD_FOR_STAFF and row.attempts == 1
    assert "Reopen it to reply" in row.reason and len(customer_messages(conversation.ticket)) == 1
