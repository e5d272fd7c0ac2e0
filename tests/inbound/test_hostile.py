"""Hostile and broken mail is stored and kept for the team, never a crash and never lost."""

import pytest

from tests.inbound_mail import INBOUND, customer_messages, start_conversation
from wagtail_support.inbound.models import InboundMessage, InboundStatus
from wagtail_support.inbound.services import receive

pytestmark = [pytest.mark.django_db(transaction=True)]

HOSTILE = {
    "garbage": bytes(range(256)) * 20,
    "nul_in_headers": b"From: a\x00b@example.com\r\nSubject: hi\x00there\r\n"
    b"Message-ID: <nul@x>\r\n\r\nbody\x00\r\n",
    "long_message_id": b"From: x@example.net\r\nMessage-ID: <" + b"a" * 2000 + b"@x>\r\n\r\nHello\r\n",
    "unknown_charset": b"From: x@example.net\r\nMessage-ID: <cs@x>\r\n"
    b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\n\xff\xfe hello\r\n",
    "bad_addresses": b'From: <<<@@@>>>\r\nTo: ,,,;;;\r\nCc: "unterminated\r\n'
    b"Message-ID: <addr@x>\r\n\r\nHi\r\n",
    "broken_mime": b"From: x@example.net\r\nMessage-ID: <mime@x>\r\nContent-Type: multipart/mixed; "
    b'boundary="nope"\r\n\r\nno parts at all\r\n',
    "xss_subject": b"From: x@example.net\r\nMessage-ID: <xss@x>\r\n"
    b"Subject: <script>alert(1)</script>\r\n\r\nHi\r\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_mail_is_stored_and_settled_without_touching_the_ticket(default_site, settings, name):
    settings.WAGTAIL_SUPPORT = INBOUND
    conversation = start_conversation(default_site)
    row, created = receive(HOSTILE[name], via="test")
    row.refresh_from_db()
    assert created and row.raw.size == len(HOSTILE[name]) and len(row.message_id) <= 255
    assert row.status == InboundStatus.HELD_FOR_STAFF
    assert row.reason
    assert len(customer_messages(conversation.ticket)) == 1
    assert InboundMessage.objects.count() == 1
