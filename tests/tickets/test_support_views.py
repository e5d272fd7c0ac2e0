"""The customer's support section: My tickets, New, a ticket, attachments, close, reopen and rate."""

import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from example_site.home.models import ContentPage
from tests.factories import (
    EntitlementFactory,
    InstallationFactory,
    MessageFactory,
    SupportedProductFactory,
    TicketFactory,
    UserFactory,
    publish_support_page,
)
from wagtail_support.models import Attachment, Installation, Message, Ticket, TicketStatus
from wagtail_support.notifications.models import Notification
from wagtail_support.sitesettings import SupportSettings
from wagtail_support.tickets import services

pytestmark = pytest.mark.django_db

SUPPORT = "/support/"
NEW = "/support/new/"


def png_bytes(size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def screenshot(name="screen.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture(autouse=True)
def support_page():
    cache.clear()  # django-ratelimit counts in the cache
    page = publish_support_page(intro="<p>We are here to help.</p>")
    settings = SupportSettings.for_site(page.get_site())
    settings.team_emails = "team@example.com"
    settings.save()
    return page


@pytest.fixture
def customer(client):
    user = UserFactory(username="ann", email="ann@example.com")
    client.force_login(user)
    return user


@pytest.fixture
def theme(customer):
    """Ann's supported theme, with one registered site."""
    entitlement = EntitlementFactory(
        purchase__customer=customer, product=SupportedProductFactory(name="Aurora theme")
    )
    InstallationFactory(entitlement=entitlement, domain="ann.example")
    return entitlement


def new_ticket_data(entitlement, **extra):
    site = entitlement.installations.first()
    return {
        "product": entitlement.pk,
        "installation": site.pk if site else "",
        "title": "Checkout shows an error",
        "description": "When I pay, I see **Error 500**.",
        **extra,
    }


def ticket_of(customer, **kwargs):
    entitlement = kwargs.pop("entitlement", None) or EntitlementFactory(purchase__customer=customer)
    ticket = TicketFactory(entitlement=entitlement, **kwargs)
    MessageFactory(ticket=ticket)
    return ticket


def url_of(ticket, action=""):
    return f"{SUPPORT}{ticket.reference}/{action}"


# My tickets


def test_anonymous_visitor_is_sent_to_log_in_and_back(client):
    response = client.get(NEW)
    assert response.status_code == 302
    assert response["Location"] == "/support-center/account/login/?next=/support/new/"


def test_my_tickets_shows_own_tickets_with_status_in_words_and_unread_marker(client, customer):
    mine = ticket_of(customer, status=TicketStatus.AWAITING_CUSTOMER, unread_by_customer=True)
    ticket_of(customer, status=TicketStatus.AWAITING_STAFF, title="Second question")
    someone_elses = ticket_of(UserFactory(), title="Bob's secret")

    page = soup(client.get(SUPPORT))

    rows = page.select("table.support-tickets tbody tr")
    assert len(rows) == 2
    text = page.select_one("table.support-tickets").get_text(" ", strip=True)
    assert mine.reference in text and "Awaiting you" in text and "Awaiting the team" in text
    assert "New reply" in text
    assert someone_elses.title not in page.get_text()
    assert "We are here to help." in page.get_text()


def test_my_tickets_filters_by_status_and_searches_titles_messages_and_references(client, customer):
    closed = ticket_of(customer, status=TicketStatus.CLOSED, title="Old logo problem")
    open_ticket = ticket_of(customer, title="Fonts look wrong")
    MessageFactory(ticket=open_ticket, body="The typeface Lato is missing")
    MessageFactory(ticket=closed, body="secret agent remark", is_internal=True, from_staff=True)

    def titles(query):
        return [a.get_text() for a in soup(client.get(SUPPORT, query)).select("tbody a")]

    assert titles({"status": "closed"}) == [f"{closed.reference} Old logo problem"]
    assert titles({"status": "open"}) == [f"{open_ticket.reference} Fonts look wrong"]
    assert titles({"q": "lato"}) == [f"{open_ticket.reference} Fonts look wrong"]
    assert titles({"q": closed.reference}) == [f"{closed.reference} Old logo problem"]
    assert titles({"q": "agent remark"}) == []  # internal notes are not searched


def test_my_tickets_are_paginated_25_per_page(client, customer):
    entitlement = EntitlementFactory(purchase__customer=customer)
    for _ in range(27):
        TicketFactory(entitlement=entitlement)

    first, second = soup(client.get(SUPPORT)), soup(client.get(SUPPORT, {"page": 2}))

    assert len(first.select("tbody tr")) == 25 and len(second.select("tbody tr")) == 2
    assert "Page 2 of 2" in second.get_text()


# New


def test_new_lists_supported_products_with_their_date_and_expired_ones_disabled(client, customer, theme):
    expired = EntitlementFactory(
        purchase__customer=customer,
        product=SupportedProductFactory(name="Old plugin", kind="plugin"),
        support_until=timezone.localdate() - timedelta(days=3),
    )

    page = soup(client.get(NEW))

    radios = {radio["value"]: radio for radio in page.select("input[name=product]")}
    assert not radios[str(theme.pk)].has_attr("disabled")
    assert radios[str(expired.pk)].has_attr("disabled")
    assert page.select_one("fieldset legend").get_text(strip=True) == "Which product do you need help with?"
    text = page.get_text(" ", strip=True)
    assert "Support until" in text and "Support ended on" in text and "To renew support" in text
    assert page.select_one("aside")  # the coverage policy's place beside the form


def test_no_supported_product_shows_why_with_the_policy_and_a_link_to_buy(client, customer):
    EntitlementFactory(purchase__customer=customer, active=False, revoked_at=timezone.now())

    response = client.get(NEW)

    assert response.status_code == 200
    text = soup(response).get_text(" ", strip=True)
    assert "none of your products has it" in text
    assert "refunded or cancelled" in text
    assert soup(response).select_one("a[href='/shop/']")
    assert not soup(response).select("form.support-new-ticket")


def test_create_opens_the_ticket_notifies_the_team_and_confirms_to_the_customer(client, customer, theme):
    response = client.post(NEW, new_ticket_data(theme, attachments=[screenshot()]))

    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/support/{ticket.reference}/"
    assert ticket.customer == customer and ticket.installation.domain == "ann.example"
    assert ticket.status == TicketStatus.NEW
    message = ticket.messages.get()
    assert "<strong>Error 500</strong>" in message.body_html
    assert message.attachments.get().content_type == "image/png"
    sent = set(Notification.objects.values_list("kind", "recipient"))
    assert sent == {
        ("ticket_opened_staff", "team@example.com"),
        ("ticket_opened_customer", "ann@example.com"),
    }

    page = client.get(response["Location"])
    assert "Checkout shows an error" in page.content.decode()


def test_a_new_site_is_registered_with_the_ticket(client, customer):
    entitlement = EntitlementFactory(purchase__customer=customer)

    response = client.post(NEW, new_ticket_data(entitlement, new_site="https://www.shop.example.org/x"))

    assert response.status_code == 302
    assert Ticket.objects.get().installation.domain == "example.org"


def test_a_theme_ticket_needs_its_site(client, customer):
    entitlement = EntitlementFactory(purchase__customer=customer)

    response = client.post(NEW, new_ticket_data(entitlement))

    assert response.status_code == 400
    assert "Choose the site this ticket is about" in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_site_beyond_the_limit_is_a_form_error_and_nothing_is_written(client, customer, theme):
    response = client.post(NEW, new_ticket_data(theme, installation="", new_site="other.example"))

    assert response.status_code == 400
    assert "This purchase already covers ann.example" in response.content.decode()
    assert not Ticket.objects.exists() and Installation.objects.count() == 1


def test_an_unlimited_plugin_needs_no_site(client, customer):
    plugin = SupportedProductFactory(name="Booking plugin", kind="plugin", installations_per_unit=0)
    entitlement = EntitlementFactory(purchase__customer=customer, product=plugin)

    assert client.post(NEW, new_ticket_data(entitlement)).status_code == 302


@pytest.mark.parametrize(
    "change",
    [
        {"support_until": timezone.localdate() - timedelta(days=1)},
        {"active": False, "revoked_at": timezone.now()},
    ],
    ids=["expired", "revoked"],
)
def test_expired_or_revoked_support_cannot_open_a_ticket(client, customer, theme, change):
    EntitlementFactory(purchase__customer=customer)  # another, supported product: the form is shown
    for field, value in change.items():
        setattr(theme, field, value)
    theme.save()

    response = client.post(NEW, new_ticket_data(theme))

    assert response.status_code == 400
    assert "Support for Aurora theme has ended or was cancelled" in response.content.decode()
    assert not Ticket.objects.exists()


def test_another_customers_product_cannot_be_chosen(client, customer, theme):
    bobs = EntitlementFactory(purchase__customer=UserFactory(username="bob"))

    response = client.post(NEW, new_ticket_data(theme, product=bobs.pk))

    assert response.status_code == 400
    assert "Choose one of your own products." in response.content.decode()
    assert not Ticket.objects.exists()


def test_preview_button_shows_sanitised_markdown_and_writes_nothing(client, customer, theme):
    response = client.post(NEW, new_ticket_data(theme, description="**bold** <b>raw</b>", preview="1"))

    assert response.status_code == 200
    preview = soup(response).select_one("#ticket-preview .support-message-body")
    assert preview.strong.get_text() == "bold" and not preview.b
    assert soup(response).select_one("input[name=title]")["value"] == "Checkout shows an error"
    assert not Ticket.objects.exists()


def test_preview_endpoint_returns_sanitised_html_for_post_only(client, customer):
    response = client.post(f"{SUPPORT}preview/", {"body": "[x](javascript:alert(1)) *hi*"})

    assert response.status_code == 200
    assert "<em>hi</em>" in response.content.decode()
    assert "javascript" not in response.content.decode()
    assert client.get(f"{SUPPORT}preview/").status_code == 405


def test_suggest_returns_matching_help_pages(client, customer, support_page):
    root = support_page.get_parent()
    guide = root.add_child(instance=ContentPage(title="Installing your theme", slug="installing"))
    guide.save_revision().publish()

    response = client.get(f"{SUPPORT}suggest/", {"q": "installing"})

    assert response.status_code == 200
    assert "Installing your theme" in response.content.decode()
    assert client.get(f"{SUPPORT}suggest/", {"q": "zzzzzz"}).content.decode().strip() == ""


def test_creating_too_many_tickets_is_refused_with_a_clear_message(client, customer, theme, settings):
    settings.WAGTAIL_SUPPORT = {"TICKET_CREATE_RATE": "2/h"}
    for _ in range(2):
        assert client.post(NEW, new_ticket_data(theme)).status_code == 302

    response = client.post(NEW, new_ticket_data(theme))

    assert response.status_code == 429
    assert "Please wait a little and try again" in response.content.decode()
    assert Ticket.objects.count() == 2


# A ticket


def test_ticket_shows_the_conversation_without_internal_notes_and_marks_it_read(client, customer):
    ticket = ticket_of(customer, unread_by_customer=True)
    agent = UserFactory(username="agent", first_name="Sam")
    services.reply(ticket, agent, "Please send a screenshot.")
    services.reply(ticket, agent, "Customer seems annoyed", internal=True)

    page = soup(client.get(url_of(ticket)))

    text = page.get_text(" ", strip=True)
    assert "Please send a screenshot." in text and "Sam, support team" in text
    assert "Customer seems annoyed" not in text
    assert "Awaiting you" in text
    ticket.refresh_from_db()
    assert ticket.unread_by_customer is False


def test_reply_goes_to_the_team(client, customer):
    ticket = ticket_of(customer, status=TicketStatus.AWAITING_CUSTOMER)

    response = client.post(url_of(ticket, "reply/"), {"body": "Here it is.", "attachments": [screenshot()]})

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_STAFF and ticket.unread_by_staff
    assert Message.objects.filter(ticket=ticket, body="Here it is.").exists()
    assert Notification.objects.filter(kind="ticket_reply_staff", recipient="team@example.com").exists()


def test_empty_reply_is_a_form_error(client, customer):
    ticket = ticket_of(customer)

    response = client.post(url_of(ticket, "reply/"), {"body": "  "})

    assert response.status_code == 400
    assert soup(response).select_one("[data-error-summary]")
    assert ticket.messages.count() == 1


def test_replying_too_often_is_refused(client, customer, settings):
    settings.WAGTAIL_SUPPORT = {"TICKET_REPLY_RATE": "1/h"}
    ticket = ticket_of(customer)
    client.post(url_of(ticket, "reply/"), {"body": "one"})

    response = client.post(url_of(ticket, "reply/"), {"body": "two"})

    assert response.status_code == 429
    assert not ticket.messages.filter(body="two").exists()


def test_close_rate_and_reopen(client, customer):
    ticket = ticket_of(customer, first_response_at=timezone.now())  # the team has answered

    assert client.post(url_of(ticket, "close/")).status_code == 302
    ticket.refresh_from_db()
    assert ticket.is_closed
    page = soup(client.get(url_of(ticket)))
    assert "Reopen this ticket" in page.get_text() and page.select("input[name=score]")

    assert client.post(url_of(ticket, "rate/"), {"score": "5", "comment": "Quick!"}).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.satisfaction, ticket.satisfaction_comment) == (5, "Quick!")
    assert client.post(url_of(ticket, "rate/"), {"score": "9"}).status_code == 400

    assert client.post(url_of(ticket, "reopen/")).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_STAFF


def test_a_ticket_closed_long_ago_cannot_be_reopened(client, customer, settings):
    settings.WAGTAIL_SUPPORT = {"REOPEN_DAYS": 3}
    ticket = ticket_of(customer, status=TicketStatus.CLOSED, closed_at=timezone.now() - timedelta(days=4))

    assert "Open a new ticket" in client.get(url_of(ticket)).content.decode()
    response = client.post(url_of(ticket, "reopen/"), follow=True)

    assert "more than 3 days ago" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.is_closed


@pytest.mark.parametrize("action", ["reply/", "close/", "reopen/", "rate/"])
def test_actions_change_nothing_on_get(client, customer, action):
    ticket = ticket_of(customer, status=TicketStatus.CLOSED, closed_at=timezone.now())

    assert client.get(url_of(ticket, action)).status_code == 405
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and ticket.messages.count() == 1


# Attachments


def test_attachment_is_a_download_that_is_never_rendered(client, customer, theme):
    client.post(NEW, new_ticket_data(theme, attachments=[screenshot("my shot.png")]))
    ticket, attachment = Ticket.objects.get(), Attachment.objects.get()

    response = client.get(url_of(ticket, f"attachments/{attachment.pk}/"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "my_shot.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == png_bytes()


def test_attachment_of_an_internal_note_is_not_served(client, customer):
    ticket = ticket_of(customer)
    note = services.reply(
        ticket, UserFactory(username="agent"), "see file", files=[screenshot()], internal=True
    )

    response = client.get(url_of(ticket, f"attachments/{note.attachments.get().pk}/"))

    assert response.status_code == 404
