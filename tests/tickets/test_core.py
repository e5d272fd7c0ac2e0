"""The ticket core: references, Markdown sanitising, attachment checks, and status rules."""

import io
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from tests.factories import SupportedProductFactory, UserFactory
from wagtail_support.purchases.payload import PurchaseData, PurchaseLine
from wagtail_support.purchases.services import record_purchase, revoke
from wagtail_support.sitesettings import SupportSettings
from wagtail_support.tickets import services
from wagtail_support.tickets.attachments import safe_name, validate_uploads
from wagtail_support.tickets.markdown import ALLOWED_TAGS, render_markdown
from wagtail_support.tickets.models import Ticket, TicketStatus, pk_from_reference, reference_for

XSS_MARKDOWN = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "[click][ref]\n\n[ref]:  <javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    '[x](http://example.com "title" onmouseover="alert(1)")',
    "<<script>script>alert(1)<</script>/script>",
]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attributes = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += attrs


@pytest.mark.parametrize("source", XSS_MARKDOWN)
def test_markdown_never_lets_script_or_dangerous_urls_through(source):
    parsed = _Elements()
    parsed.feed(render_markdown(source))
    assert parsed.tags <= ALLOWED_TAGS
    assert not {"script", "img", "svg", "iframe"} & parsed.tags
    for name, value in parsed.attributes:
        assert not name.startswith("on"), (source, name)
        if name == "href":
            assert value.split(":", 1)[0].lower() in {"http", "https", "mailto"}, (source, value)


def test_markdown_keeps_safe_formatting_and_marks_links():
    html = render_markdown("**bold** `code` and [docs](https://example.com/a?b=1)\n\n- one\n- two")
    assert "<strong>bold</strong>" in html and "<code>code</code>" in html
    assert '<a href="https://example.com/a?b=1" rel="nofollow noopener">docs</a>' in html
    assert "<ul>" in html and "<li>one</li>" in html


def test_markdown_shows_raw_html_as_text():
    assert "&lt;b&gt;hi&lt;/b&gt;" in render_markdown("<b>hi</b>")


def test_references_round_trip():
    assert reference_for(42) == "SUP-1042"
    assert pk_from_reference("SUP-1042") == 42
    assert pk_from_reference("sup-1042") == 42
    for bad in ("SUP-999", "SUP-1000", "XYZ-1042", "SUP-10a", "", None, "1042"):
        assert pk_from_reference(bad) is None


def png_bytes(size=(4, 4)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("screen.png", png_bytes(), "image/png"),
        ("notes.txt", b"line one\nline two\n", "text/plain"),
        ("invoice.pdf", b"%PDF-1.4\n...", "application/pdf"),
        ("shot.PNG.txt", png_bytes(), "image/png"),  # the bytes decide, not the name
    ],
)
def test_allowed_files_are_recognised_by_content(name, content, expected):
    [(upload, _, content_type)] = validate_uploads([SimpleUploadedFile(name, content)])
    assert content_type == expected


@pytest.mark.parametrize(
    "name, content",
    [
        ("evil.png", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'),
        ("page.txt", b"<!DOCTYPE html><html><body>hi</body></html>"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"not really a png"),
        ("program.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
    ],
)
def test_disguised_files_are_refused(name, content):
    with pytest.raises(ValidationError, match="cannot be attached"):
        validate_uploads([SimpleUploadedFile(name, content)])


@override_settings(WAGTAIL_SUPPORT={"ATTACHMENT_MAX_BYTES": 1000})
def test_oversized_files_are_refused_with_the_limit():
    with pytest.raises(ValidationError, match="files may be at most 1000"):
        validate_uploads([SimpleUploadedFile("big.txt", b"a" * 1001)])


@override_settings(WAGTAIL_SUPPORT={"ATTACHMENTS_PER_MESSAGE": 2})
def test_too_many_files_are_refused():
    files = [SimpleUploadedFile(f"{n}.txt", b"x") for n in range(3)]
    with pytest.raises(ValidationError, match="at most 2 files"):
        validate_uploads(files)


@pytest.mark.parametrize(
    "given, expected",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ann\\shot.png", "shot.png"),
        ("<img src=x onerror=alert(1)>.png", "img_srcx_onerroralert1.png"),
        ("", "attachment"),
    ],
)
def test_file_names_are_made_safe(given, expected):
    assert safe_name(given) == expected


@pytest.fixture
def customer_entitlement(db):
    SupportedProductFactory(name="Aurora theme", references=["AURORA"])
    purchase = record_purchase(
        PurchaseData(source="shop", external_id="1", email="ann@example.com", lines=(PurchaseLine("AURORA"),))
    )
    mail.outbox.clear()
    return purchase.customer, purchase.entitlements.get()


@pytest.fixture
def team(default_site):
    SupportSettings.objects.update_or_create(
        site=default_site, defaults={"team_emails": "team@example.com\nlead@example.com"}
    )


@pytest.mark.django_db(transaction=True)
def test_open_ticket_notifies_team_and_customer_and_sets_the_due_time(customer_entitlement, team):
    customer, entitlement = customer_entitlement
    before = timezone.now()
    ticket = services.open_ticket(customer, entitlement, "Menu broken", "The **menu** is gone")
    assert ticket.status == TicketStatus.NEW and ticket.unread_by_staff
    assert ticket.reference == f"SUP-{ticket.pk + 1000}"
    assert timedelta(hours=23) < ticket.first_response_due_at - before <= timedelta(hours=24, seconds=5)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["ann@example.com", "lead@example.com", "team@example.com"]
    staff_mail = next(m for m in mail.outbox if m.to == ["team@example.com"])
    assert "The **menu** is gone" in staff_mail.body


@pytest.mark.django_db
def test_expired_support_cannot_open_a_ticket(customer_entitlement):
    customer, entitlement = customer_entitlement
    entitlement.support_until = timezone.localdate() - timedelta(days=1)
    entitlement.save()
    with pytest.raises(ValidationError, match="has ended or was cancelled"):
        services.open_ticket(customer, entitlement, "Help", "Please")
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_revoked_support_cannot_open_a_ticket(customer_entitlement):
    customer, entitlement = customer_entitlement
    revoke(entitlement.purchase)
    entitlement.refresh_from_db()
    with pytest.raises(ValidationError, match="has ended or was cancelled"):
        services.open_ticket(customer, entitlement, "Help", "Please")


@pytest.mark.django_db
def test_another_customers_product_cannot_be_used(customer_entitlement):
    _, entitlement = customer_entitlement
    with pytest.raises(ValidationError, match="your own products"):
        services.open_ticket(UserFactory(), entitlement, "Help", "Please")


@pytest.mark.django_db(transaction=True)
def test_conversation_moves_the_status_and_the_unread_flags(customer_entitlement, team):
    customer, entitlement = customer_entitlement
    agent = UserFactory(username="agent", is_staff=True)
    ticket = services.open_ticket(customer, entitlement, "Menu broken", "Gone")
    mail.outbox.clear()

    services.reply(ticket, agent, "Checking internally", internal=True)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW and ticket.first_response_at is None
    assert mail.outbox == []  # internal notes e-mail nobody

    services.reply(ticket, agent, "Try clearing the cache")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_CUSTOMER and ticket.unread_by_customer
    assert ticket.first_response_at is not None
    [to_customer] = mail.outbox
    assert to_customer.to == ["ann@example.com"] and "Try clearing the cache" in to_customer.body

    mail.outbox.clear()
    services.mark_read(ticket, customer)
    services.reply(ticket, customer, "That fixed it")
    ticket.refresh_from_db()
    assert (
        ticket.status == TicketStatus.AWAITING_STAFF
        and ticket.unread_by_staff
        and not ticket.unread_by_customer
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["lead@example.com", "team@example.com"]

    services.assign(ticket, agent, by=UserFactory(username="lead"))
    mail.outbox.clear()
    services.reply(ticket, customer, "One more thing")
    assert [m.to for m in mail.outbox] == [["agent@example.com"]]  # the assignee, not the team


@pytest.mark.django_db
def test_customer_cannot_write_internal_notes(customer_entitlement):
    customer, entitlement = customer_entitlement
    ticket = services.open_ticket(customer, entitlement, "Help", "Please")
    with pytest.raises(PermissionDenied):
        services.reply(ticket, customer, "secret", internal=True)


@pytest.mark.django_db
def test_close_reopen_and_rate(customer_entitlement):
    customer, entitlement = customer_entitlement
    ticket = services.open_ticket(customer, entitlement, "Help", "Please")
    with pytest.raises(ValidationError, match="once it is closed"):
        services.rate(ticket, customer, 5)
    services.close(ticket, customer)
    with pytest.raises(ValidationError, match="once the team has answered"):
        services.rate(ticket, customer, 5)  # nothing to rate yet
    with pytest.raises(ValidationError, match="closed. Reopen it"):
        services.reply(ticket, customer, "more")
    services.reopen(ticket, customer)
    services.reply(ticket, UserFactory(is_staff=True), "Fixed in 2.1")
    services.close(ticket, customer)
    services.rate(ticket, customer, 4, "Quick and kind")
    assert (ticket.satisfaction, ticket.satisfaction_comment) == (4, "Quick and kind")
    with pytest.raises(ValidationError, match="from 1 to 5"):
        services.rate(ticket, customer, 9)
    services.reopen(ticket, customer)
    assert ticket.status == TicketStatus.AWAITING_STAFF and ticket.closed_at is None


@pytest.mark.django_db
@override_settings(WAGTAIL_SUPPORT={"REOPEN_DAYS": 7})
def test_customer_cannot_reopen_after_the_limit_but_an_agent_can(customer_entitlement):
    customer, entitlement = customer_entitlement
    ticket = services.open_ticket(customer, entitlement, "Help", "Please")
    services.close(ticket, customer)
    Ticket.objects.filter(pk=ticket.pk).update(closed_at=timezone.now() - timedelta(days=8))
    ticket.refresh_from_db()
    with pytest.raises(ValidationError, match="more than 7 days ago. Please open a new ticket"):
        services.reopen(ticket, customer)
    services.reopen(ticket, UserFactory(username="agent2", is_staff=True))
    assert ticket.status == TicketStatus.AWAITING_CUSTOMER


@pytest.mark.django_db
def test_empty_and_overlong_messages_are_refused(customer_entitlement):
    customer, entitlement = customer_entitlement
    with pytest.raises(ValidationError, match="Write a message"):
        services.open_ticket(customer, entitlement, "Help", "   ")
    with override_settings(WAGTAIL_SUPPORT={"MESSAGE_MAX_LENGTH": 10}):
        with pytest.raises(ValidationError, match="at most 10 characters"):
            services.open_ticket(customer, entitlement, "Help", "x" * 11)
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_attachment_is_stored_privately_under_a_random_name(customer_entitlement, settings):
    from pathlib import Path

    customer, entitlement = customer_entitlement
    ticket = services.open_ticket(
        customer,
        entitlement,
        "Help",
        "See the screenshot",
        [SimpleUploadedFile("../My Shot.png", png_bytes())],
    )
    attachment = ticket.messages.get().attachments.get()
    assert attachment.name == "My_Shot.png" and attachment.content_type == "image/png"
    assert "My_Shot" not in attachment.file.name
    storage = attachment.file.storage
    assert storage.exists(attachment.file.name)
    assert Path(settings.MEDIA_ROOT).resolve() not in Path(storage.path(attachment.file.name)).parents
