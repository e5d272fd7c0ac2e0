"""Issue 14: replies through an ESP's inbound webhook (django-anymail), with the providers' real signed
payloads: Mailgun (raw MIME route, HMAC-SHA256 of timestamp + token with the webhook signing key) and
Postmark (JSON with RawEmail, HTTP basic auth). A bad signature is refused and stores nothing."""

import base64
import hashlib
import hmac
import json
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import EntitlementFactory, UserFactory
from tests.inbound.test_replies import CLIENT_REPLIES
from tests.inbound_mail import INBOUND, customer_messages, start_conversation
from wagtail_support.inbound.addresses import reply_address
from wagtail_support.inbound.models import InboundMessage
from wagtail_support.sitesettings import SupportSettings
from wagtail_support.tickets import services
from wagtail_support.tickets.models import Message

pytest.importorskip("anymail", reason="django-anymail is the inbound-esp extra (in the test extra)")
pytestmark = pytest.mark.django_db

MAILGUN_KEY = "key-mailgun-webhook-signing-key"
POSTMARK_AUTH = "postmark:s3cret-webhook-password"


@pytest.fixture(autouse=True)
def inbound(settings, default_site):
    settings.WAGTAIL_SUPPORT = {
        **settings.WAGTAIL_SUPPORT,
        "INBOUND_ENABLED": True,
        "INBOUND_DOMAIN": "reply.example.com",
    }
    team = SupportSettings.for_site(default_site)
    team.team_emails = "team@example.com"
    team.save()


@pytest.fixture
def ticket(django_capture_on_commit_callbacks):
    entitlement = EntitlementFactory(purchase__customer=UserFactory(username="ann"))
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.open_ticket(entitlement.customer, entitlement, "Menu broken", "It is broken.")
    mail.outbox.clear()
    return ticket


def customer_reply(ticket):
    message = EmailMessage()
    message["From"] = f"Ann <{ticket.customer.email}>"
    message["To"] = reply_address(ticket)
    message["Subject"] = f"Re: [{ticket.reference}] {ticket.title}"
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(domain="mail.example.net")
    message.set_content("Fixed after the update, thank you.\n\n-- \nAnn\n")
    return message.as_bytes()


def mailgun_post(client, raw, signing_key=MAILGUN_KEY):
    """What Mailgun posts for a route that forwards to ".../inbound_mime/" (multipart form)."""
    timestamp, token = str(int(time.time())), "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
    signature = hmac.new(signing_key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return client.post(
        "/anymail/mailgun/inbound_mime/",
        {
            "recipient": "support@reply.example.com",
            "sender": "ann@example.com",
            "from": "Ann <ann@example.com>",
            "subject": "Re: ...",
            "body-mime": raw.decode(),
            "timestamp": timestamp,
            "token": token,
            "signature": signature,
        },
    )


def postmark_post(client, raw, auth=POSTMARK_AUTH):
    """What Postmark posts to an inbound webhook with "Include raw email content" on (JSON)."""
    payload = {
        "FromName": "Ann",
        "MessageStream": "inbound",
        "From": "ann@example.com",
        "FromFull": {"Email": "ann@example.com", "Name": "Ann", "MailboxHash": ""},
        "To": "support@reply.example.com",
        "ToFull": [{"Email": "support@reply.example.com", "Name": "", "MailboxHash": ""}],
        "Subject": "Re: ...",
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "Date": format_datetime(timezone.now()),
        "TextBody": "Fixed after the update, thank you.",
        "Headers": [{"Name": "Return-Path", "Value": "<ann@example.com>"}],
        "Attachments": [],
        "RawEmail": raw.decode(),
    }
    credentials = base64.b64encode(auth.encode()).decode()
    return client.post(
        "/anymail/postmark/inbound/",
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )


@pytest.fixture
def mailgun(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}


@pytest.fixture
def postmark(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": POSTMARK_AUTH}


def assert_on_the_ticket(ticket, via):
    reply = Message.objects.filter(ticket=ticket).latest("created_at")
    assert reply.body.strip() == "Fixed after the update, thank you."  # without the signature
    assert not reply.from_staff
    assert InboundMessage.objects.get().via == via
    assert [m.to for m in mail.outbox] == [["team@example.com"]]  # the team is told once


def test_a_reply_through_mailgun_lands_on_the_ticket(
    client, mailgun, ticket, django_capture_on_commit_callbacks
):
    raw = customer_reply(ticket)
    with django_capture_on_commit_callbacks(execute=True):
        response = mailgun_post(client, raw)
    assert response.status_code == 200
    assert_on_the_ticket(ticket, "webhook:mailgun")
    with InboundMessage.objects.get().raw.open("rb") as stored:
        assert stored.read() == raw  # the whole message, as sent


def test_a_reply_through_postmark_lands_on_the_ticket(
    client, postmark, ticket, django_capture_on_commit_callbacks
):
    raw = customer_reply(ticket)
    with django_capture_on_commit_callbacks(execute=True):
        response = postmark_post(client, raw)
    assert response.status_code == 200
    assert_on_the_ticket(ticket, "webhook:postmark")


def test_a_redelivered_webhook_adds_nothing(client, mailgun, ticket, django_capture_on_commit_callbacks):
    raw = customer_reply(ticket)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert mailgun_post(client, raw).status_code == 200
    assert InboundMessage.objects.count() == 1
    assert Message.objects.filter(ticket=ticket, from_staff=False).count() == 2  # opening + one reply


def test_a_bad_mailgun_signature_is_refused_and_stores_nothing(client, mailgun, ticket):
    response = mailgun_post(client, customer_reply(ticket), signing_key="key-guessed")
    assert response.status_code == 400
    assert InboundMessage.objects.count() == 0
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_a_bad_postmark_password_is_refused_and_stores_nothing(client, postmark, ticket):
    response = postmark_post(client, customer_reply(ticket), auth="postmark:guessed")
    assert response.status_code == 400
    assert InboundMessage.objects.count() == 0
    assert Message.objects.filter(ticket=ticket).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fixture", sorted(CLIENT_REPLIES))
@pytest.mark.parametrize("esp", ["mailgun", "postmark"])
def test_a_reply_from_each_mail_client_through_a_webhook_joins_the_ticket(
    client, default_site, settings, esp, fixture
):
    settings.WAGTAIL_SUPPORT = INBOUND
    settings.ANYMAIL = (
        {"MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}
        if esp == "mailgun"
        else {"WEBHOOK_SECRET": POSTMARK_AUTH}
    )
    conversation = start_conversation(default_site)
    post = mailgun_post if esp == "mailgun" else postmark_post

    assert post(client, conversation.fill(fixture)).status_code == 200

    [message] = customer_messages(conversation.ticket)[1:]
    assert message.body == CLIENT_REPLIES[fixture]  # without quoted history or signature
    assert message.inbound.via == f"webhook:{esp}"
    assert sorted(to for _kind, to in conversation.new_notifications()) == [
        "lead@example.com",
        "team@example.com",
    ]  # the team is told once
