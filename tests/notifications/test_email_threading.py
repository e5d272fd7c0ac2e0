"""Issue 14, done-when 1: a ticket's e-mails, threaded by a mail client's rules, form one thread per
audience (the customer's and the team's); Reply-To routes answers back; automatic e-mails say so."""

import email
import re
from email import policy

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from wagtail.models import Site

from tests.factories import EntitlementFactory, UserFactory
from wagtail_support.inbound.addresses import parse_reply_address
from wagtail_support.inbound.models import InboundMessage, InboundStatus
from wagtail_support.notifications.models import Notification
from wagtail_support.sitesettings import SupportSettings
from wagtail_support.tickets import services, workflow

pytestmark = pytest.mark.django_db

MSGID = re.compile(r"<[^<>\s]+>")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``committed(action, *args)``: run it and send its e-mails as its commit would (Celery is eager)."""

    def run(action, *args):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args)

    return run


@pytest.fixture(autouse=True)
def team():
    settings = SupportSettings.for_site(Site.objects.get(is_default_site=True))
    settings.team_emails = "team@example.com"
    settings.save()


@pytest.fixture
def inbound(settings):
    settings.WAGTAIL_SUPPORT = {
        **settings.WAGTAIL_SUPPORT,
        "INBOUND_ENABLED": True,
        "INBOUND_DOMAIN": "reply.example.com",
    }


def parsed(message):
    """The e-mail as a mail client receives it: the bytes on the wire, parsed again."""
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def ids(value):
    return MSGID.findall(str(value or ""))


def normalised_subject(subject):
    """Gmail's and Outlook's rule: the subject without "Re:"/"Fwd:" prefixes."""
    return re.sub(r"^((re|fwd?|aw|wg)\s*:\s*)+", "", subject.strip(), flags=re.IGNORECASE)


def threads(messages):
    """Group ``messages`` as a mail client does (jwz): messages linked by Message-ID, In-Reply-To and
    References are one thread, even through a parent the mailbox does not hold. Returns a list of sets
    of Message-IDs."""
    parent = {}

    def find(node):
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    def union(a, b):
        parent[find(a)] = find(b)

    own = []
    for message in messages:
        [message_id] = ids(message["Message-ID"])
        own.append(message_id)
        for related in ids(message["References"]) + ids(message["In-Reply-To"]):
            union(message_id, related)
    groups = {}
    for message_id in own:
        groups.setdefault(find(message_id), set()).add(message_id)
    return list(groups.values())


def ticket_lifecycle(committed):
    """Everything a ticket sends: opened, answered both ways, assigned, closed and reopened, and an
    answer after the customer wrote by e-mail."""
    entitlement = EntitlementFactory(purchase__customer=UserFactory(username="ann"))
    customer = entitlement.customer
    agent = UserFactory(username="agent", is_staff=True)
    lead = UserFactory(username="lead", is_staff=True)
    ticket = committed(services.open_ticket, customer, entitlement, "Menu broken", "The menu is broken.")
    committed(services.reply, ticket, agent, "Which version?")
    committed(services.reply, ticket, customer, "Version 2.0")
    committed(services.assign, ticket, agent, lead)
    committed(services.reply, ticket, customer, "Any news?")
    InboundMessage.objects.create(
        message_id="<CAF=reply-1@mail.gmail.com>",
        via="imap",
        raw=ContentFile(b"", name="x.eml"),
        ticket=ticket,
        status=InboundStatus.ATTACHED,
        sender="ann@example.com",
    )
    committed(services.reply, ticket, agent, "Fixed in 2.1.")
    committed(workflow.set_status, ticket, "closed", agent)
    committed(services.reopen, ticket, customer)
    return ticket


def test_each_audience_gets_one_thread_of_its_own(committed):
    ticket = ticket_lifecycle(committed)
    to_customer = [parsed(m) for m in mail.outbox if m.to == ["ann@example.com"]]
    to_team = [parsed(m) for m in mail.outbox if m.to != ["ann@example.com"]]
    assert len(to_customer) >= 3 and len(to_team) >= 3

    customer_threads, team_threads = threads(to_customer), threads(to_team)
    assert len(customer_threads) == 1
    assert len(team_threads) == 1
    assert not customer_threads[0] & team_threads[0]
    assert len(threads(to_customer + to_team)) == 2  # customer and team threads never join

    for audience in (to_customer, to_team):
        subjects = {normalised_subject(m["Subject"]) for m in audience}
        assert subjects == {f"[Test] [{ticket.reference}] Menu broken"}
        message_ids = [m["Message-ID"] for m in audience]
        assert len(set(message_ids)) == len(message_ids)  # every e-mail has its own Message-ID


def test_answers_point_at_the_thread_root_and_the_customers_last_email(committed):
    ticket = ticket_lifecycle(committed)
    last_answer = parsed(next(m for m in reversed(mail.outbox) if "Fixed in 2.1." in m.body))
    root = f"<{ticket.reference}.customer."
    assert ids(last_answer["References"])[0].startswith(root)
    assert last_answer["In-Reply-To"] == "<CAF=reply-1@mail.gmail.com>"
    assert ids(last_answer["References"])[-1] == "<CAF=reply-1@mail.gmail.com>"
    first = parsed(next(m for m in mail.outbox if m.to == ["ann@example.com"]))
    assert ids(first["In-Reply-To"])[0].startswith(root)


def test_each_sent_email_records_its_message_id_and_ticket(committed):
    ticket = ticket_lifecycle(committed)
    sent = {parsed(m)["Message-ID"] for m in mail.outbox}
    rows = Notification.objects.filter(ticket=ticket)
    assert set(rows.values_list("message_id", flat=True)) == sent


def test_with_inbound_mail_the_customers_emails_reply_to_the_signed_ticket_address(inbound, committed):
    ticket = ticket_lifecycle(committed)
    for message in mail.outbox:
        headers = parsed(message)
        if message.to == ["ann@example.com"]:
            assert parse_reply_address(headers["Reply-To"]) == ticket
            assert ticket.reference in headers["Reply-To"]
        else:  # the team answers in the admin
            assert headers["Reply-To"] is None


def test_without_inbound_mail_there_is_no_reply_to(committed):
    ticket_lifecycle(committed)
    assert all(parsed(m)["Reply-To"] is None for m in mail.outbox)


def test_automatic_emails_are_marked_auto_submitted_and_peoples_answers_are_not(committed):
    ticket_lifecycle(committed)
    by_body = {m.body: parsed(m) for m in mail.outbox}
    answer = next(h for body, h in by_body.items() if "Fixed in 2.1." in body)
    assert answer["Auto-Submitted"] is None
    acknowledgement = parsed(next(m for m in mail.outbox if "received" in m.body.lower()))
    assert acknowledgement["Auto-Submitted"] == "auto-generated"
    assert acknowledgement["X-Auto-Response-Suppress"] == "All"


def test_welcome_and_reminders_are_auto_generated():
    from wagtail_support.notifications.render import auto_submitted

    for kind in ("welcome", "setup_link", "purchase_added", "ticket_breach_warning", "ticket_auto_closed"):
        assert auto_submitted(kind) == "auto-generated"
    assert auto_submitted("inbound_unknown_sender") == "auto-replied"
    assert auto_submitted("ticket_reply_customer") is None


@pytest.mark.parametrize(
    "title", ["Menu\r\nBcc: victim@example.net", "Menu\nX-Evil: 1", "Menu\u2028Bcc: x@y.z"]
)
def test_a_title_with_line_breaks_cannot_inject_headers(title, committed):
    entitlement = EntitlementFactory(purchase__customer=UserFactory(username="ann"))
    ticket = committed(services.open_ticket, entitlement.customer, entitlement, title, "Broken.")
    for message in mail.outbox:
        headers = parsed(message)
        assert headers["Bcc"] is None and headers["X-Evil"] is None
        assert "\n" not in message.subject and "\r" not in message.subject
        assert headers["Subject"].startswith(f"[Test] [{ticket.reference}] Menu")
    assert all(m.recipients() in (["ann@example.com"], ["team@example.com"]) for m in mail.outbox)
