"""Issue 17, done-when 4: the Profile page; an e-mail change takes effect only after the new address
confirms; the e-mails a customer turned off are never queued (replies always are)."""

import re

import pytest
from django.contrib.auth import get_user_model

from tests.factories import EntitlementFactory, MessageFactory, TicketFactory, UserFactory
from tests.tickets.test_support_views import SUPPORT, soup, support_page  # noqa: F401
from wagtail_support.models import CustomerProfile, Notification
from wagtail_support.notifications.render import render_email
from wagtail_support.tickets import services

pytestmark = pytest.mark.django_db

PROFILE = SUPPORT + "profile/"


@pytest.fixture
def ann(client):
    user = UserFactory(username="ann@example.com", email="ann@example.com", first_name="Ann")
    user.set_password("old-long-password")
    user.save()
    client.force_login(user)
    return user


def test_the_profile_page_has_every_section_with_unique_ids(client, ann):
    page = soup(client.get(PROFILE))

    headings = [h.get_text(strip=True) for h in page.select("h2")]
    assert headings == [
        "Your name",
        "E-mail address",
        "Password",
        "Language and time zone",
        "E-mails you receive",
    ]
    ids = [element["id"] for element in page.select("[id]")]
    assert len(ids) == len(set(ids))
    assert client.get(SUPPORT + "preferences/").status_code == 200  # the old address still works


def test_name_and_password_are_changed(client, ann):
    assert (
        client.post(PROFILE, {"form": "name", "first_name": "Annie", "last_name": "Smith"}).status_code == 302
    )
    ann.refresh_from_db()
    assert ann.get_full_name() == "Annie Smith"

    wrong = client.post(
        PROFILE,
        {"form": "password", "old_password": "nope", "new_password1": "x", "new_password2": "x"},
    )
    assert wrong.status_code == 400
    response = client.post(
        PROFILE,
        {
            "form": "password",
            "old_password": "old-long-password",
            "new_password1": "new-long-password-2026",
            "new_password2": "new-long-password-2026",
        },
    )
    assert response.status_code == 302
    ann.refresh_from_db()
    assert ann.check_password("new-long-password-2026")
    assert client.get(PROFILE).status_code == 200  # still logged in here


def test_an_email_change_takes_effect_only_after_the_new_address_confirms(client, ann):
    response = client.post(PROFILE, {"form": "email", "new_email": "ann@new.example"})

    assert response.status_code == 302
    ann.refresh_from_db()
    assert ann.email == "ann@example.com"  # nothing changed yet
    notice = Notification.objects.get(kind="email_change")
    assert notice.recipient == "ann@new.example"
    link = re.search(
        r"https?://[^/\s]+(/\S+/profile/email/)\?token=(\S+)", render_email(notice).body
    ).groups()

    page = client.get(link[0], {"token": link[1]})  # GET only shows the question
    ann.refresh_from_db()
    assert page.status_code == 200 and ann.email == "ann@example.com"

    assert client.post(link[0], {"token": link[1]}).status_code == 302
    ann.refresh_from_db()
    assert ann.email == "ann@new.example" and ann.username == "ann@new.example"
    assert (
        client.post(link[0], {"token": link[1]}).status_code == 400
    )  # the link is spent: it named the old address


def test_an_email_change_link_works_only_for_its_own_account(client, ann):
    client.post(PROFILE, {"form": "email", "new_email": "ann@new.example"})
    link = re.search(
        r"https?://[^/\s]+(/\S+/profile/email/)\?token=(\S+)",
        render_email(Notification.objects.get(kind="email_change")).body,
    ).groups()
    client.force_login(UserFactory(email="bob@example.com"))

    assert client.post(link[0], {"token": link[1]}).status_code == 400
    assert get_user_model().objects.filter(email="ann@new.example").count() == 0


def test_an_address_of_another_account_is_refused_on_confirmation(client, ann):
    client.post(PROFILE, {"form": "email", "new_email": "bob@example.com"})
    UserFactory(email="bob@example.com")
    link = re.search(
        r"https?://[^/\s]+(/\S+/profile/email/)\?token=(\S+)",
        render_email(Notification.objects.get(kind="email_change")).body,
    ).groups()

    response = client.post(link[0], {"token": link[1]})

    assert response.status_code == 400 and "Another account already uses" in response.content.decode()


def test_notification_choices_are_honoured_when_emails_are_queued(client, ann):
    response = client.post(PROFILE, {"form": "emails", "email_status_changes": "on"})  # confirmations off
    assert response.status_code == 302
    profile = CustomerProfile.objects.get(user=ann)
    assert (profile.email_confirmations, profile.email_status_changes) == (False, True)
    entitlement = EntitlementFactory(purchase__customer=ann)
    agent = UserFactory(is_staff=True)

    ticket = services.open_ticket(ann, entitlement, "Help", "Please")
    services.reply(ticket, agent, "Try this")
    services.close(ticket, agent)
    client.post(PROFILE, {"form": "emails"})  # status changes off too
    services.reopen(ticket, agent)

    kinds = list(Notification.objects.filter(recipient=ann.email).values_list("kind", flat=True))
    assert sorted(kinds) == ["ticket_reply_customer", "ticket_status_customer"]  # replies always


def test_the_ticket_page_has_no_double_punctuation_and_one_date_format(client, ann):
    entitlement = EntitlementFactory(purchase__customer=ann)
    ticket = TicketFactory(entitlement=entitlement)
    MessageFactory(ticket=ticket)
    services.close(ticket, ann)

    text = soup(client.get(f"{SUPPORT}{ticket.reference}/")).get_text(" ", strip=True)

    assert ".." not in text.replace("...", "")
    assert re.search(r"Closed on \d{1,2} \w{3} \d{4}, \d\d:\d\d \w+\.", text)
    assert "Rate the help you received" not in text  # the team never answered
