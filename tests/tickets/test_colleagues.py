"""Issue 17, done-when 3: a colleague added to a ticket gets its e-mails, sets up an account the way a
buyer does, reads and replies to that ticket, and gets 404 on every other ticket of the customer."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import EntitlementFactory, MessageFactory, TicketFactory, UserFactory
from tests.tickets.test_support_views import SUPPORT, customer, soup, support_page  # noqa: F401
from wagtail_support.models import Notification, TicketColleague
from wagtail_support.notifications.render import render_email
from wagtail_support.purchases import accounts
from wagtail_support.tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(customer):  # noqa: F811
    entitlement = EntitlementFactory(purchase__customer=customer)
    shared, other = TicketFactory(entitlement=entitlement), TicketFactory(entitlement=entitlement)
    for ticket in (shared, other):
        MessageFactory(ticket=ticket, body=f"About {ticket.title}")
    return shared, other


def add(client, ticket, email):
    return client.post(f"{SUPPORT}{ticket.reference}/colleagues/", {"email": email})


def test_an_added_colleague_sets_up_an_account_reads_and_replies_to_that_ticket_only(
    client,
    customer,  # noqa: F811
    tickets,
):
    shared, other = tickets

    assert add(client, shared, "sam@example.com").status_code == 302

    sam = get_user_model().objects.get(email="sam@example.com")
    assert not sam.has_usable_password() and accounts.is_setup_pending(sam)  # like a new buyer
    invitation = Notification.objects.get(kind="ticket_colleague_added")
    assert invitation.recipient == "sam@example.com"
    message = render_email(invitation)
    link = re.search(r"https?://[^/\s]+(/\S*/account/set-password/\S+/)", message.body).group(1)
    assert shared.reference in message.subject

    colleague = client.__class__()
    first = colleague.get(link)  # Django keeps the token in the session and redirects to the form
    form_url = first["Location"] if first.status_code == 302 else link
    response = colleague.post(
        form_url, {"new_password1": "a-long-sam-password", "new_password2": "a-long-sam-password"}
    )
    assert response.status_code == 302
    assert not accounts.is_setup_pending(sam)

    page = colleague.get(f"{SUPPORT}{shared.reference}/")
    assert page.status_code == 200 and f"About {shared.title}" in page.content.decode()
    assert not soup(page).select("form[action$='close/']")  # the customer's own actions stay theirs
    listing = soup(colleague.get(SUPPORT)).get_text(" ", strip=True)
    assert shared.reference in listing and other.reference not in listing

    reply = colleague.post(f"{SUPPORT}{shared.reference}/reply/", {"body": "Same problem on my side"})
    assert reply.status_code == 302
    posted = shared.messages.get(body="Same problem on my side")
    assert posted.author == sam and not posted.from_staff

    for url in (
        f"{SUPPORT}{other.reference}/",
        f"{SUPPORT}{other.reference}/reply/",
        f"{SUPPORT}{shared.reference}/close/",
        f"{SUPPORT}{shared.reference}/colleagues/",
    ):
        method = colleague.get if url.endswith(f"{other.reference}/") else colleague.post
        assert method(url, {"body": "x", "email": "x@example.com"}).status_code == 404, url


def test_a_colleague_gets_the_tickets_emails(customer, tickets):  # noqa: F811
    shared, _other = tickets
    from wagtail_support.tickets import colleagues

    colleagues.add_colleague(shared, customer, "sam@example.com")
    agent = UserFactory(is_staff=True)

    services.reply(shared, agent, "Try version 2.1")
    services.close(shared, agent)

    to_sam = set(Notification.objects.filter(recipient="sam@example.com").values_list("kind", flat=True))
    assert to_sam == {"ticket_colleague_added", "ticket_reply_customer", "ticket_status_customer"}
    assert Notification.objects.filter(recipient=customer.email, kind="ticket_reply_customer").exists()


def test_what_one_of_the_customers_side_writes_reaches_the_team_and_the_others(customer, tickets):  # noqa: F811
    shared, _other = tickets
    shared.assignee = UserFactory(is_staff=True, email="agent@example.com")
    shared.save()
    from wagtail_support.tickets import colleagues

    sam = colleagues.add_colleague(shared, customer, "sam@example.com").user
    sam.first_name, sam.last_name = "Sam", "Colleague"
    sam.save()

    message = services.reply(shared, sam, "It fails on my phone too.")
    copies = Notification.objects.filter(dedupe_key__startswith=f"message:{message.pk}:")
    assert sorted(copies.values_list("recipient", "kind")) == [
        ("agent@example.com", "ticket_reply_staff"),
        (customer.email, "ticket_reply_colleague"),
    ]  # nothing back to Sam, who wrote it
    team, owner = (
        render_email(copies.get(kind=kind)) for kind in ("ticket_reply_staff", "ticket_reply_colleague")
    )
    assert "Sam Colleague (sam@example.com) replied:" in team.body  # the writer, not the ticket's customer
    assert f"Sam Colleague wrote on your ticket about {shared.product.name}:" in owner.body
    assert "It fails on my phone too." in owner.body

    message = services.reply(shared, customer, "Same on the desktop.")
    copies = Notification.objects.filter(dedupe_key__startswith=f"message:{message.pk}:")
    assert sorted(copies.values_list("recipient", flat=True)) == ["agent@example.com", "sam@example.com"]


def test_staff_see_who_is_on_the_ticket(client, customer, tickets):  # noqa: F811
    shared, _other = tickets
    TicketColleague.objects.create(
        ticket=shared, user=UserFactory(email="sam@example.com"), email="sam@example.com", added_by=customer
    )
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    page = client.get(reverse("wagtail_support_tickets:inspect", args=[shared.pk]))

    assert page.status_code == 200
    assert "Colleagues on this ticket" in page.content.decode() and "sam@example.com" in page.content.decode()


def test_adding_a_colleague_checks_the_address(client, customer, tickets):  # noqa: F811
    shared, _other = tickets

    assert add(client, shared, "not an address").status_code == 400
    assert "That is your own address" in add(client, shared, customer.email).content.decode()
    add(client, shared, "sam@example.com")
    assert "already on this ticket" in add(client, shared, "SAM@example.com").content.decode()
    assert TicketColleague.objects.count() == 1


def test_a_removed_colleague_no_longer_sees_the_ticket(client, customer, tickets):  # noqa: F811
    shared, _other = tickets
    add(client, shared, "sam@example.com")
    sam = get_user_model().objects.get(email="sam@example.com")
    colleague = client.__class__()
    colleague.force_login(sam)
    assert colleague.get(f"{SUPPORT}{shared.reference}/").status_code == 200

    row = TicketColleague.objects.get()
    assert client.post(f"{SUPPORT}{shared.reference}/colleagues/{row.pk}/remove/").status_code == 302

    assert colleague.get(f"{SUPPORT}{shared.reference}/").status_code == 404
