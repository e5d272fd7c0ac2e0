"""Issue 14: replies through an IMAP mailbox (a real Dovecot), polled by the Celery beat task.

A customer's reply lands on the ticket; a redelivery is a no-op; a message moves to the processed
folder only once it is stored, and one that cannot be stored stays in the inbox.
"""

import shutil
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import Site

from tests.conftest import need
from tests.factories import EntitlementFactory, UserFactory
from tests.imap_server import DOVECOT, Dovecot
from tests.inbound.test_replies import CLIENT_REPLIES
from tests.inbound_mail import INBOUND, customer_messages, start_conversation
from wagtail_support.inbound import imap
from wagtail_support.inbound.addresses import reply_address
from wagtail_support.inbound.models import InboundMessage
from wagtail_support.schedule import beat_schedule
from wagtail_support.sitesettings import SupportSettings
from wagtail_support.tickets import services
from wagtail_support.tickets.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def dovecot(settings):
    if DOVECOT is None:
        need("dovecot", "install Debian's dovecot-imapd (.ci/run does)")
    server = Dovecot(settings.VAR_DIR / f"dovecot-{settings.RUN_ID}").start()
    yield server
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def inbound(settings, dovecot):
    settings.WAGTAIL_SUPPORT = {
        **settings.WAGTAIL_SUPPORT,
        "INBOUND_ENABLED": True,
        "INBOUND_DOMAIN": "reply.example.com",
        "INBOUND_IMAP": dovecot.settings(PROCESSED_FOLDER="Done"),
    }
    team = SupportSettings.for_site(Site.objects.get(is_default_site=True))
    team.team_emails = "team@example.com"
    team.save()
    return dovecot


@pytest.fixture
def ticket(django_capture_on_commit_callbacks):
    entitlement = EntitlementFactory(purchase__customer=UserFactory(username="ann"))
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.open_ticket(entitlement.customer, entitlement, "Menu broken", "It is broken.")
    mail.outbox.clear()
    return ticket


def customer_reply(ticket, body="It works now, thanks!", message_id=None):
    message = EmailMessage()
    message["From"] = f"Ann <{ticket.customer.email}>"
    message["To"] = reply_address(ticket)
    message["Subject"] = f"Re: [{ticket.reference}] {ticket.title}"
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(domain="mail.example.net")
    message.set_content(f"{body}\n\nOn Monday, Support wrote:\n> Which version do you use?\n")
    return message.as_bytes()


def poll(capture):
    with capture(execute=True):  # the stored rows commit, then their processing runs (Celery is eager)
        return imap.poll()


def test_a_customers_reply_in_the_mailbox_lands_on_the_ticket(
    inbound, ticket, django_capture_on_commit_callbacks
):
    inbound.append(customer_reply(ticket))

    result = poll(django_capture_on_commit_callbacks)

    assert (result.stored, result.failed, result.moved) == (1, 0, 1)
    reply = Message.objects.filter(ticket=ticket).latest("created_at")
    assert reply.body.startswith("It works now, thanks!")
    assert "Which version" not in reply.body  # no quoted history
    assert not reply.from_staff
    assert InboundMessage.objects.get().via == "imap"
    assert [m.to for m in mail.outbox] == [["team@example.com"]]  # the team is told once


def test_the_message_is_moved_to_the_processed_folder_after_it_is_stored(
    inbound, ticket, django_capture_on_commit_callbacks
):
    inbound.append(customer_reply(ticket))
    assert len(inbound.uids("INBOX")) == 1

    poll(django_capture_on_commit_callbacks)

    assert inbound.uids("INBOX") == []
    assert len(inbound.uids("Done")) == 1  # made when missing


def test_the_same_message_delivered_twice_gives_one_message_on_the_ticket(
    inbound, ticket, django_capture_on_commit_callbacks
):
    raw = customer_reply(ticket, message_id="<twice@mail.example.net>")
    inbound.append(raw)
    poll(django_capture_on_commit_callbacks)
    inbound.append(raw)  # the mail server delivered it again

    result = poll(django_capture_on_commit_callbacks)

    assert (result.stored, result.duplicates, result.moved) == (0, 1, 1)
    assert Message.objects.filter(ticket=ticket, body__startswith="It works now").count() == 1
    assert InboundMessage.objects.count() == 1
    assert inbound.uids("INBOX") == [] and len(inbound.uids("Done")) == 2


def test_a_message_that_cannot_be_stored_stays_in_the_inbox(
    inbound, ticket, django_capture_on_commit_callbacks
):
    inbound.append(customer_reply(ticket))
    with mock.patch("wagtail_support.inbound.imap.receive", side_effect=OSError("storage is full")):
        result = poll(django_capture_on_commit_callbacks)

    assert (result.stored, result.failed, result.moved) == (0, 1, 0)
    assert len(inbound.uids("INBOX")) == 1 and inbound.uids("Done") == []
    assert InboundMessage.objects.count() == 0

    result = poll(django_capture_on_commit_callbacks)  # storage is back: the next poll takes it
    assert (result.stored, result.moved) == (1, 1)
    assert Message.objects.filter(ticket=ticket, body__startswith="It works now").count() == 1


def test_a_message_already_read_in_a_mail_client_is_still_taken(
    inbound, ticket, django_capture_on_commit_callbacks
):
    inbound.append(customer_reply(ticket))
    with inbound.mailbox() as mailbox:
        mailbox.flag(mailbox.uids(), "\\Seen", True)

    assert poll(django_capture_on_commit_callbacks).stored == 1


def test_the_poll_is_in_the_beat_schedule_only_when_a_mailbox_is_configured(settings, inbound):
    entry = beat_schedule()["wagtail-support-poll-imap"]
    assert entry["task"] == "wagtail_support.poll_imap_mailbox"
    assert entry["schedule"] == 30.0
    settings.WAGTAIL_SUPPORT = {**settings.WAGTAIL_SUPPORT, "INBOUND_IMAP_INTERVAL": 10}
    assert beat_schedule()["wagtail-support-poll-imap"]["schedule"] == 10.0
    settings.WAGTAIL_SUPPORT = {**settings.WAGTAIL_SUPPORT, "INBOUND_IMAP": None}
    assert "wagtail-support-poll-imap" not in beat_schedule()


def test_without_a_mailbox_the_poll_does_nothing():
    assert imap.poll() == imap.PollResult()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fixture", sorted(CLIENT_REPLIES))
def test_a_reply_from_each_mail_client_through_imap_joins_the_ticket(
    default_site, settings, dovecot, fixture
):
    settings.WAGTAIL_SUPPORT = {**INBOUND, "INBOUND_IMAP": dovecot.settings()}
    conversation = start_conversation(default_site)
    dovecot.append(conversation.fill(fixture))

    assert imap.poll().moved == 1

    [message] = customer_messages(conversation.ticket)[1:]
    assert message.body == CLIENT_REPLIES[fixture]  # without quoted history or signature
    assert message.inbound.via == "imap"
    assert sorted(to for _kind, to in conversation.new_notifications()) == [
        "lead@example.com",
        "team@example.com",
    ]  # the team is told once
