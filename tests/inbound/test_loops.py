"""No loops, no forgery: automatic replies and bounces never become messages nor get answers; a forged
sender with a guessed reference changes nothing; strangers and new questions get one polite answer."""

import pytest
from django.core import mail
from django.test import override_settings

from tests.inbound_mail import INBOUND, customer_messages, start_conversation
from wagtail_support.inbound import addresses, ratelimit
from wagtail_support.inbound.models import InboundMessage, InboundStatus
from wagtail_support.inbound.services import receive
from wagtail_support.notifications.models import Notification
from wagtail_support.tickets.models import Message, Ticket

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def conversation(default_site, settings):
    settings.WAGTAIL_SUPPORT = INBOUND
    return start_conversation(default_site)


def ticket_state(ticket):
    return Ticket.objects.filter(pk=ticket.pk).values().get()


@pytest.mark.parametrize("fixture", ["auto_submitted.eml", "vacation_autoreply.eml"])
def test_automatic_replies_create_no_message_and_are_never_answered(conversation, fixture):
    before = ticket_state(conversation.ticket)
    row, _ = receive(conversation.fill(fixture), via="test")
    row.refresh_from_db()
    assert row.status == InboundStatus.IGNORED_AUTO_REPLY and row.ticket_message is None
    assert ticket_state(conversation.ticket) == before
    assert conversation.new_notifications() == [] and mail.outbox == []


def test_mail_from_the_apps_own_address_is_a_loop(conversation, settings):
    settings.WAGTAIL_SUPPORT = {**INBOUND, "FROM_EMAIL": "Acme Support <support@example.com>"}
    raw = conversation.fill("forged_sender.eml").replace(b"mallory@evil.example", b"SUPPORT@example.com")
    row, _ = receive(raw, via="test")
    row.refresh_from_db()
    assert row.status == InboundStatus.IGNORED_AUTO_REPLY and conversation.new_notifications() == []


def test_a_bounce_marks_the_notification_it_bounces_and_sends_nothing(conversation):
    before = ticket_state(conversation.ticket)
    row, _ = receive(conversation.fill("dsn_bounce.eml"), via="test")
    row.refresh_from_db()
    assert row.status == InboundStatus.BOUNCE and "5.1.1" in row.reason
    notification = Notification.objects.get(pk=conversation.notification.pk)
    assert notification.bounced and "User unknown" in notification.bounce_reason
    assert ticket_state(conversation.ticket) == before and Message.objects.count() == 2
    assert conversation.new_notifications() == [] and mail.outbox == []


def test_a_bounce_is_shown_on_its_notification_in_the_outbox_screen(conversation, client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    receive(conversation.fill("dsn_bounce.eml"), via="test")
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "pw"))
    index = client.get(reverse("wagtail_support_outbox:index"))
    assert "Bounced" in index.content.decode()
    page = client.get(reverse("wagtail_support_outbox:inspect", args=[conversation.notification.pk]))
    assert "Recipient address rejected: User unknown" in page.content.decode()


def test_a_forged_sender_with_a_guessed_reference_changes_nothing(conversation):
    before = ticket_state(conversation.ticket)
    row, _ = receive(conversation.fill("forged_sender.eml"), via="test")
    row.refresh_from_db()
    assert ticket_state(conversation.ticket) == before and len(customer_messages(conversation.ticket)) == 1
    assert row.status == InboundStatus.HELD_FOR_STAFF and row.ticket is None
    # The stranger is told how to get support, and learns nothing about the ticket.
    assert conversation.new_notifications() == [("inbound_unknown_sender", "mallory@evil.example")]
    [answer] = mail.outbox
    assert "The menu disappears" not in answer.body.replace(answer.subject, "")


def test_a_forged_sender_writing_to_a_tickets_reply_address_is_held_and_answered_once(conversation):
    before = ticket_state(conversation.ticket)
    for number in (1, 2):
        raw = conversation.fill("forged_sender.eml")
        raw = raw.replace(
            b"To: support@example.com", f"To: {addresses.reply_address(conversation.ticket)}".encode()
        )
        raw = raw.replace(b"forged-01@", f"forged-0{number}@".encode())
        receive(raw, via="test")
    assert ticket_state(conversation.ticket) == before and len(customer_messages(conversation.ticket)) == 1
    rows = InboundMessage.objects.all()
    assert {row.status for row in rows} == {InboundStatus.HELD_FOR_STAFF}
    assert all("not its customer" in row.reason for row in rows)
    assert conversation.new_notifications() == [("inbound_not_customer", "mallory@evil.example")]


def test_a_guessed_reply_address_routes_nowhere(conversation):
    ticket = conversation.ticket
    address = addresses.reply_address(ticket)
    assert addresses.parse_reply_address(address) == ticket
    assert addresses.parse_reply_address(address.upper()) == ticket  # mail servers may change the case
    forged = address.replace(address.split(".")[1][:4], "0000")
    assert addresses.parse_reply_address(forged) is None
    assert addresses.parse_reply_address(f"support+{ticket.reference}@support.example.com") is None
    assert addresses.parse_reply_address(address.replace("support.example.com", "evil.example")) is None
    other = addresses.signature("SUP-99999")
    assert addresses.parse_reply_address(f"support+SUP-99999.{other}@support.example.com") is None


def test_the_reply_address_format_is_configurable_and_survives_a_key_rotation(conversation, settings):
    settings.WAGTAIL_SUPPORT = {**INBOUND, "INBOUND_REPLY_ADDRESS": "reply-{signature}-{reference}@{domain}"}
    address = addresses.reply_address(conversation.ticket)
    assert address.startswith("reply-") and address.endswith(
        f"-{conversation.ticket.reference}@support.example.com"
    )
    with override_settings(SECRET_KEY="a-new-key-" * 5, SECRET_KEY_FALLBACKS=[settings.SECRET_KEY]):
        assert addresses.parse_reply_address(address) == conversation.ticket


def test_a_new_question_from_a_customer_with_one_supported_product_opens_a_ticket(conversation):
    row, _ = receive(conversation.fill("new_question.eml"), via="test")
    row.refresh_from_db()
    assert row.status == InboundStatus.OPENED_TICKET
    ticket = row.ticket
    assert ticket != conversation.ticket and ticket.customer == conversation.customer
    assert ticket.title == "Checkout page is blank" and ticket.entitlement == conversation.entitlement
    assert ticket.messages.get().body.startswith("Since this morning the checkout page")
    assert row.ticket_message == ticket.messages.get()


def test_a_new_question_from_a_customer_with_several_products_gets_a_link_to_the_new_page(
    default_site, settings
):
    settings.WAGTAIL_SUPPORT = INBOUND
    conversation = start_conversation(default_site, product_refs=("AURORA", "FORMS"))
    row, _ = receive(conversation.fill("new_question.eml"), via="test")
    row.refresh_from_db()
    assert row.status == InboundStatus.HELD_FOR_STAFF and "2 supported products" in row.reason
    assert Ticket.objects.count() == 1
    assert conversation.new_notifications() == [("inbound_choose_product", conversation.customer.email)]


def test_unknown_senders_get_one_polite_answer_per_period_and_are_kept_for_staff(conversation):
    for number in range(3):
        raw = conversation.fill("new_question.eml", CUSTOMER="stranger@example.net")
        receive(raw.replace(b"<CAKnewQ7", f"<{number}CAKnewQ7".encode()), via="test")
    assert InboundMessage.objects.filter(status=InboundStatus.HELD_FOR_STAFF).count() == 3
    assert conversation.new_notifications() == [("inbound_unknown_sender", "stranger@example.net")]
    [answer] = mail.outbox
    assert "support" in answer.body.lower()


def test_a_sender_over_the_rate_waits_for_the_sweep(conversation, settings):
    settings.WAGTAIL_SUPPORT = {**INBOUND, "INBOUND_SENDER_RATE": "1/h"}
    receive(conversation.fill("gmail_reply_en.eml"), via="test")
    row, _ = receive(conversation.fill("outlook_reply_en.eml"), via="test")
    row.refresh_from_db()
    assert row.status == InboundStatus.RECEIVED and "many e-mails" in row.reason
    assert len(customer_messages(conversation.ticket)) == 2


def test_with_the_cache_down_mail_is_processed_without_a_rate_limit(conversation, settings, monkeypatch):
    settings.WAGTAIL_SUPPORT = {**INBOUND, "INBOUND_SENDER_RATE": "1/h"}

    def cache_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(ratelimit, "get_usage", cache_down)
    receive(conversation.fill("gmail_reply_en.eml"), via="test")
    receive(conversation.fill("outlook_reply_en.eml"), via="test")
    assert len(customer_messages(conversation.ticket)) == 3


@pytest.mark.django_db(transaction=False)
def test_inbound_without_a_domain_or_with_an_unverifiable_address_format_is_a_system_check_error(settings):
    from wagtail_support.checks.app_settings import inbound_configured

    settings.WAGTAIL_SUPPORT = {"INBOUND_ENABLED": True}
    assert [error.id for error in inbound_configured(None)] == ["wagtail_support.E005"]
    settings.WAGTAIL_SUPPORT = {**INBOUND, "INBOUND_REPLY_ADDRESS": "support+{reference}@{domain}"}
    assert [error.id for error in inbound_configured(None)] == ["wagtail_support.E005"]
    settings.WAGTAIL_SUPPORT = INBOUND
    assert inbound_configured(None) == []


def test_an_agent_answering_a_team_email_by_mail_is_held_without_an_answer(conversation):
    conversation.agent.email = "agent@example.com"
    conversation.agent.save(update_fields=["email"])
    raw = conversation.fill("gmail_reply_en.eml", CUSTOMER="agent@example.com")
    row, _ = receive(raw, via="test")
    row.refresh_from_db()
    assert row.status == InboundStatus.HELD_FOR_STAFF and "team member" in row.reason
    assert len(customer_messages(conversation.ticket)) == 1 and conversation.new_notifications() == []


def test_a_reply_to_a_merged_ticket_joins_the_ticket_it_continues_in(conversation):
    from wagtail_support.tickets import services

    target = services.open_ticket(conversation.customer, conversation.entitlement, "Menu again", "Still gone")
    Ticket.objects.filter(pk=conversation.ticket.pk).update(merged_into=target)
    row, _ = receive(conversation.fill("apple_mail_reply_en.eml"), via="test")
    row.refresh_from_db()
    assert row.status == InboundStatus.ATTACHED and row.ticket == target
    assert target.messages.last().body == "It works on the iPad too now. Thank you!"
