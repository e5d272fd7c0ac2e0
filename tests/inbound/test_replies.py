"""Replies by e-mail join the ticket as the customer's message, without quoted history or signature."""

import io

import pytest
from django.core import mail
from django.core.management import call_command

from tests.inbound_mail import INBOUND, customer_messages, start_conversation
from wagtail_support.inbound.models import InboundStatus
from wagtail_support.inbound.services import receive
from wagtail_support.tickets.models import TicketStatus

pytestmark = [pytest.mark.django_db(transaction=True)]

CLIENT_REPLIES = {
    "gmail_reply_en.eml": "Thanks, clearing the cache fixed the menu on my phone.\n"
    "The footer still overlaps the last item though.",
    "outlook_reply_en.eml": "Hi,\n\nI updated the theme to 3.2 as you suggested and the menu is back.\n"
    "Can I also turn off the sticky header?",
    "apple_mail_reply_en.eml": "It works on the iPad too now. Thank you!",
    "gmail_reply_es.eml": "Hola, he actualizado el plugin y el formulario ya envía los mensajes.\n"
    "Pero ahora no llega la copia al remitente.",
    "outlook_reply_es.eml": "Buenos días:\n\nYa he probado la versión 2.3 y el formulario funciona.\n"
    "¿Puedo cambiar el texto del botón?",
    "apple_mail_reply_es.eml": "Perfecto, ya funciona en el Mac también.",
}
QUOTED_OR_SIGNATURE = [
    "clear the site cache",
    "Actualiza el plugin",
    "wrote:",
    "escribió",
    "Ann Example",
    "Ana Ejemplo",
    "Sent from my",
    "Enviado desde",
    "Best regards",
    "Saludos",
    "Atentamente",
    "Example Bakery",
]


@pytest.fixture
def conversation(default_site, settings):
    settings.WAGTAIL_SUPPORT = INBOUND
    return start_conversation(default_site)


def pipe(raw):
    """``manage.py support_receive_email`` with ``raw`` on standard input."""
    call_command("support_receive_email", stdin=io.BytesIO(raw), stdout=io.StringIO())


@pytest.mark.parametrize("fixture", sorted(CLIENT_REPLIES))
@pytest.mark.parametrize("way_in", ["command", "receive"])
def test_a_reply_from_each_mail_client_joins_the_ticket_as_the_customer_wrote_it(
    conversation, fixture, way_in
):
    raw = conversation.fill(fixture)
    if way_in == "command":
        pipe(raw)
    else:
        receive(raw, via="test")

    [message] = customer_messages(conversation.ticket)[1:]
    assert message.body == CLIENT_REPLIES[fixture]
    assert not [text for text in QUOTED_OR_SIGNATURE if text in message.body]
    assert message.author == conversation.customer and not message.is_internal
    ticket = conversation.refresh()
    assert ticket.status == TicketStatus.AWAITING_STAFF and ticket.unread_by_staff
    # The team is told once, as for a reply from the portal (no assignee: each team address once).
    assert conversation.new_notifications() == [
        ("ticket_reply_staff", "team@example.com"),
        ("ticket_reply_staff", "lead@example.com"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["lead@example.com", "team@example.com"]
    inbound = message.inbound
    assert inbound.status == InboundStatus.ATTACHED and inbound.ticket == ticket
    assert inbound.via == ("pipe" if way_in == "command" else "test")


def test_the_assignee_alone_is_told_when_there_is_one(conversation):
    conversation.ticket.assignee = conversation.agent
    conversation.ticket.save(update_fields=["assignee"])
    conversation.agent.email = "agent@example.com"
    conversation.agent.save(update_fields=["email"])
    receive(conversation.fill("gmail_reply_en.eml"), via="test")
    assert conversation.new_notifications() == [("ticket_reply_staff", "agent@example.com")]


def test_a_reply_is_matched_by_its_reply_address_alone(conversation):
    raw = conversation.fill("apple_mail_reply_en.eml", IN_REPLY_TO="<unknown@elsewhere.example>")
    row, _ = receive(raw, via="test")
    row.refresh_from_db()
    assert row.status == InboundStatus.ATTACHED and "reply address" in row.reason
    assert len(customer_messages(conversation.ticket)) == 2


def test_a_reply_is_matched_by_the_email_it_answers_alone(conversation):
    raw = conversation.fill("outlook_reply_en.eml", REPLY_TO="support@example.com")
    row, _ = receive(raw, via="test")
    row.refresh_from_db()
    assert row.status == InboundStatus.ATTACHED and "answers" in row.reason
    assert len(customer_messages(conversation.ticket)) == 2


def test_the_subject_reference_is_enough_only_for_the_tickets_customer(conversation):
    raw = conversation.fill(
        "apple_mail_reply_en.eml", REPLY_TO="support@example.com", IN_REPLY_TO="<lost@elsewhere.example>"
    )
    row, _ = receive(raw, via="test")
    row.refresh_from_db()
    assert row.status == InboundStatus.ATTACHED and "subject" in row.reason


def test_html_only_mail_becomes_safe_text(conversation):
    receive(conversation.fill("html_only.eml"), via="test")
    message = customer_messages(conversation.ticket)[-1]
    assert (
        message.body == "The menu works now.\n\nOne more thing: this link & the footer <script> still move."
    )
    for unsafe in ("<script", "javascript:", "alert", "<img", "tracker.example", "<style"):
        assert unsafe not in message.body_html
    assert "&lt;script&gt;" in message.body_html
    assert "clear the site cache" not in message.body  # the quoted blockquote


def test_attachments_pass_the_portal_checks_and_refused_ones_are_listed_to_the_customer(conversation):
    row, _ = receive(conversation.fill("with_attachments.eml"), via="test")
    message = customer_messages(conversation.ticket)[-1]
    [attachment] = message.attachments.all()
    assert (attachment.name, attachment.content_type) == ("footer.png", "image/png")
    assert attachment.file.name.startswith("support/") and attachment.file.name.endswith(".png")
    [note] = [m for m in mail.outbox if m.to == [conversation.customer.email]]
    assert "screenshot2.png" in note.body and "footer.png" not in note.body
    row.refresh_from_db()
    assert row.status == InboundStatus.ATTACHED and "screenshot2.png" in row.reason


def test_a_reply_to_a_recently_closed_ticket_reopens_it(conversation):
    from wagtail_support.tickets import services

    services.close(conversation.ticket, conversation.customer)
    receive(conversation.fill("gmail_reply_en.eml"), via="test")
    ticket = conversation.refresh()
    assert ticket.status == TicketStatus.AWAITING_STAFF and len(customer_messages(ticket)) == 2


def test_a_reply_to_a_ticket_closed_long_ago_is_held_and_the_customer_told_to_open_a_new_one(conversation):
    from wagtail_support.tickets.models import Ticket

    Ticket.objects.filter(pk=conversation.ticket.pk).update(
        status=TicketStatus.CLOSED, closed_at="2020-01-01T00:00:00Z"
    )
    row, _ = receive(conversation.fill("gmail_reply_en.eml"), via="test")
    row.refresh_from_db()
    assert row.status == InboundStatus.HELD_FOR_STAFF and row.ticket == conversation.ticket
    assert len(customer_messages(conversation.ticket)) == 1
    assert conversation.new_notifications() == [("inbound_ticket_closed", conversation.customer.email)]


def test_a_colleague_on_the_ticket_replies_by_email_as_themselves(conversation):
    """A colleague the customer added gets the ticket's e-mails; answering one adds their reply, in their
    name, like the customer's own (found by the thread and by the subject's reference)."""
    from tests.factories import UserFactory
    from wagtail_support.tickets.models import TicketColleague

    sam = UserFactory(username="sam", email="Sam@Example.com")
    TicketColleague.objects.create(
        ticket=conversation.ticket, user=sam, email="sam@example.com", added_by=conversation.customer
    )
    receive(conversation.fill("gmail_reply_en.eml", CUSTOMER="sam@example.com"), via="test")
    by_subject = conversation.fill(
        "gmail_reply_en.eml",
        CUSTOMER="sam@example.com",
        IN_REPLY_TO="<unknown@x>",
        REPLY_TO="help@example.com",
    ).replace(b"<CAF3x9Yq7p2Lw0n1hZk=JQm8s1@mail.gmail.com>", b"<second@mail.gmail.com>")
    receive(by_subject, via="test")

    replies = customer_messages(conversation.ticket)[1:]
    assert [message.author for message in replies] == [sam, sam]
    assert all(message.inbound.status == InboundStatus.ATTACHED for message in replies)
    assert conversation.refresh().status == TicketStatus.AWAITING_STAFF


def test_a_stranger_writing_to_the_ticket_is_still_held(conversation):
    receive(conversation.fill("gmail_reply_en.eml", CUSTOMER="stranger@example.com"), via="test")

    assert customer_messages(conversation.ticket)[1:] == []
