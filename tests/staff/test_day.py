"""The agent's day (issue 16): one ticket panel, send and close, macros, tags, search that finds
people, merge with confirmation and undo, timeline events on both sides, display names, the
dashboard's next tickets, collision warnings, the audit log."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry, Site

from tests.factories import (
    CannedResponseFactory,
    EntitlementFactory,
    InstallationFactory,
    MessageFactory,
    PurchaseFactory,
    TicketFactory,
    UserFactory,
    publish_support_page,
)
from wagtail_support.notifications.models import Notification
from wagtail_support.sitesettings import SupportSettings
from wagtail_support.staff import presence
from wagtail_support.staff.panels import next_tickets
from wagtail_support.staff.search import search_tickets
from wagtail_support.tickets import services, workflow
from wagtail_support.tickets.events import EventKind, TicketEvent
from wagtail_support.tickets.models import Ticket, TicketPriority, TicketStatus
from wagtail_support.tickets.people import display_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return UserFactory(username="agnes", first_name="Agnes", last_name="Agent", groups=["Support agents"])


@pytest.fixture
def ticket():
    customer = UserFactory(
        username="dana", first_name="Dana", last_name="Buyer", email="dana.buyer@shop.test"
    )
    ticket = TicketFactory(entitlement=EntitlementFactory(purchase=PurchaseFactory(customer=customer)))
    MessageFactory(ticket=ticket, body="My header is broken")
    return ticket


def screen(ticket):
    return reverse("wagtail_support_tickets:inspect", args=[ticket.pk])


# 1. One request changes status, priority, assignee and tags; "Send and close" in one step.


def test_one_request_changes_status_priority_assignee_and_tags(client, agent, ticket):
    client.force_login(agent)
    response = client.post(
        reverse("wagtail_support_tickets:panel", args=[ticket.pk]),
        {"status": "awaiting_customer", "priority": "40", "assignee": agent.pk, "tags": "billing, refund"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_CUSTOMER
    assert ticket.priority == TicketPriority.URGENT
    assert ticket.assignee == agent
    assert sorted(ticket.tags.names()) == ["billing", "refund"]
    kinds = set(ticket.events.values_list("kind", flat=True))
    assert kinds == {EventKind.STATUS, EventKind.PRIORITY, EventKind.ASSIGNEE, EventKind.TAGS}


def test_a_wrong_panel_value_changes_nothing(client, agent, ticket):
    client.force_login(agent)
    client.post(
        reverse("wagtail_support_tickets:panel", args=[ticket.pk]),
        {"status": "nonsense", "priority": "40", "tags": "billing"},
    )
    ticket.refresh_from_db()
    assert ticket.priority == TicketPriority.NORMAL and not ticket.tags.exists()


def test_send_and_close_posts_the_reply_and_closes(
    client, agent, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(screen(ticket), {"action": "reply_close", "body": "Fixed in 2.1."})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and ticket.closed_at is not None
    assert ticket.messages.filter(body="Fixed in 2.1.", from_staff=True).exists()
    assert list(ticket.events.values_list("kind", "data__to")) == [(EventKind.STATUS, TicketStatus.CLOSED)]
    # One e-mail to the customer: the answer, saying the ticket is closed and how to reopen it.
    kinds = Notification.objects.filter(recipient=ticket.customer.email).values_list("kind", flat=True)
    assert list(kinds) == ["ticket_reply_customer"]
    [email] = [m for m in mailoutbox if m.to == [ticket.customer.email]]
    assert "Fixed in 2.1." in email.body
    assert "The team closed this ticket with this answer" in email.body
    assert "reply within 14 days and it opens again" in email.body
    assert "it opens again" in email.alternatives[0][0]


def test_send_keeps_the_ticket_with_the_team_and_send_and_wait_hands_it_over(client, agent, ticket):
    client.force_login(agent)
    client.post(screen(ticket), {"action": "send", "body": "Looking into it."})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_STAFF
    client.post(screen(ticket), {"action": "reply", "body": "Does it work now?"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_CUSTOMER


# 3. Macros: placeholders filled, status and tags set on send.


def test_macro_placeholders_are_filled_in_the_page_data(client, agent, ticket):
    CannedResponseFactory(
        title="Hello", body="Hi {first_name}, {product} is covered until {support_until}. {agent_name}"
    )
    client.force_login(agent)
    html = client.get(screen(ticket)).content.decode()
    assert f"Hi Dana, {ticket.product.name} is covered until" in html
    assert "{first_name}" not in html.split('id="wsupport-macros"')[1]
    assert "Agnes" in html.split('id="wsupport-macros"')[1]


def test_a_macro_sets_status_priority_and_tags_on_send(client, agent, ticket):
    macro = CannedResponseFactory(
        body="Refund done.", set_status="closed", set_priority=30, add_tags="refund", assign_to_sender=True
    )
    client.force_login(agent)
    client.post(screen(ticket), {"action": "reply", "body": "Refund done.", "macro": macro.pk})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and ticket.priority == 30 and ticket.assignee == agent
    assert list(ticket.tags.names()) == ["refund"]


def test_inserting_without_the_script_fills_placeholders(client, agent, ticket):
    canned = CannedResponseFactory(body="Hi {first_name}!")
    client.force_login(agent)
    html = client.post(screen(ticket), {"action": "insert", "canned": canned.pk, "body": ""}).content.decode()
    assert "Hi Dana!" in html


# 4. Search that finds people.


@pytest.mark.parametrize(
    "query", ["Dana", "dana buyer", "Buyer", "dana.buy", "@shop.test", "shop-42.example"]
)
def test_search_finds_the_ticket_by_its_customer(ticket, query):
    InstallationFactory(entitlement=ticket.entitlement, domain="www.shop-42.example")
    TicketFactory()  # someone else
    assert list(search_tickets(Ticket.objects.all(), query)) == [ticket]


def test_search_finds_by_order_id_reference_and_words(ticket):
    TicketFactory()
    order = ticket.entitlement.purchase.external_id
    assert list(search_tickets(Ticket.objects.all(), order)) == [ticket]
    assert list(search_tickets(Ticket.objects.all(), ticket.reference)) == [ticket]
    assert list(search_tickets(Ticket.objects.all(), "header")) == [ticket]


def test_queue_search_by_name_through_the_admin(client, agent, ticket):
    client.force_login(agent)
    html = client.get(reverse("wagtail_support_tickets:index") + "?q=Dana+Buyer").content.decode()
    assert ticket.reference in html


# 6. Merge: confirmation, undo, events on both tickets.


def test_merge_asks_then_merges_and_can_be_undone(client, agent, ticket):
    target = TicketFactory(entitlement=ticket.entitlement)
    client.force_login(agent)
    url = reverse("wagtail_support_tickets:merge", args=[ticket.pk])
    confirmation = client.post(url, {"target": target.reference}).content.decode()
    assert f"Merge {ticket.reference} into {target.reference}" in confirmation
    client.post(url, {"target": target.reference, "confirm": "1"})
    ticket.refresh_from_db()
    assert ticket.merged_into == target
    assert f"merged this ticket into {target.reference}" in client.get(screen(ticket)).content.decode()
    target_html = client.get(screen(target)).content.decode()
    assert f"merged {ticket.reference} into this ticket" in target_html
    assert f"from {ticket.reference}" in target_html  # the moved message shows where it came from

    client.post(reverse("wagtail_support_tickets:unmerge", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.merged_into is None and ticket.status != TicketStatus.CLOSED
    assert ticket.messages.filter(body="My header is broken").exists()
    assert not target.messages.exists()
    assert ticket.events.filter(kind=EventKind.UNMERGED).exists()
    assert target.events.filter(kind=EventKind.UNMERGED).exists()


def test_an_old_merge_cannot_be_undone(agent, ticket):
    target = TicketFactory(entitlement=ticket.entitlement)
    workflow.merge(ticket, target, agent)
    TicketEvent.objects.update(created_at="2000-01-01T00:00:00Z")
    ticket.refresh_from_db()
    with pytest.raises(services.TicketError):
        workflow.unmerge(ticket, agent)


# Events in the conversation; the customer sees only theirs; the team is told.


def test_the_customer_sees_status_events_but_not_team_ones(client, agent, ticket):
    page = publish_support_page()
    ticket.support_page = page
    ticket.save()
    workflow.update(ticket, agent, status="awaiting_customer", priority=40, tags=["vip"])
    client.force_login(ticket.customer)
    html = client.get(
        page.url + page.reverse_subpage("ticket_route", args=[ticket.reference])
    ).content.decode()
    assert "Agnes changed the status to “Awaiting you”" in html
    assert "priority" not in html.split("support-conversation")[1].split("</ol>")[0].lower()
    assert "vip" not in html


@pytest.mark.parametrize("action", ["close", "reopen"])
def test_the_team_is_told_when_the_customer_closes_or_reopens_an_unassigned_ticket(ticket, action):
    settings = SupportSettings.for_site(Site.objects.get(is_default_site=True))
    settings.team_emails = "team@example.com"
    settings.save()
    if action == "reopen":
        services.close(ticket, UserFactory(groups=["Support agents"]))
    Notification.objects.all().delete()
    getattr(services, action)(ticket, ticket.customer)
    assert Notification.objects.filter(recipient="team@example.com").exists()
    assert ticket.events.filter(kind=EventKind.STATUS, actor=ticket.customer).exists()


def test_agents_are_named_not_addressed(client, agent, ticket):
    nameless = UserFactory(username="sam@example.com", email="sam@example.com", groups=["Support agents"])
    assert display_name(agent) == "Agnes Agent"
    assert display_name(nameless) == "sam"
    assert display_name(agent, for_customer=True) == "Agnes"
    services.reply(ticket, nameless, "Hello")
    client.force_login(agent)
    html = client.get(screen(ticket)).content.decode()
    assert (
        "<strong>sam</strong>" in html
        and "sam@example.com" not in html.split("Conversation")[1].split("Reply")[0]
    )


# The dashboard lists the agent's next tickets.


def test_next_tickets_are_mine_first_response_due_first(agent):
    from datetime import timedelta

    from django.utils import timezone

    later = TicketFactory(assignee=agent, first_response_due_at=timezone.now() + timedelta(hours=5))
    sooner = TicketFactory(assignee=agent, first_response_due_at=timezone.now() + timedelta(hours=1))
    TicketFactory(assignee=agent, status=TicketStatus.CLOSED)
    TicketFactory()  # unassigned: only when I have none
    assert next_tickets(agent) == [sooner, later]


def test_dashboard_lists_the_next_tickets(client, agent):
    mine = TicketFactory(assignee=agent, title="Logo too small")
    client.force_login(agent)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Your next tickets" in html and "Logo too small" in html and mine.reference in html


# Tags: filter, bulk tagging, reports.


def test_bulk_tagging_adds_tags(client, agent):
    one, two = TicketFactory(), TicketFactory()
    one.tags.add("existing")
    client.force_login(agent)
    url = (
        reverse("wagtail_bulk_action", args=["wagtail_support", "ticket", "tag"])
        + f"?id={one.pk}&id={two.pk}"
    )
    client.post(url, {"tags": "urgent-fix"})
    assert sorted(one.tags.names()) == ["existing", "urgent-fix"]
    assert list(two.tags.names()) == ["urgent-fix"]


# 5. Collision warnings.


def test_two_agents_see_each_other_and_the_second_sender_is_warned(client, agent, ticket):
    other = UserFactory(username="olga", first_name="Olga", last_name="Other", groups=["Support agents"])
    seen = presence.newest_message_id(ticket.pk)
    url = reverse("wagtail_support_tickets:presence", args=[ticket.pk])
    client.force_login(other)
    client.post(url, {"typing": "1", "seen": seen})
    client.force_login(agent)
    answer = client.post(url, {"seen": seen}).json()
    assert answer["others"] == [{"name": "Olga Other", "typing": True}]

    services.reply(ticket, other, "I answered already.")
    assert client.post(url, {"seen": seen}).json()["newer"] == 1
    warned = client.post(screen(ticket), {"action": "reply", "body": "Me too", "seen": seen})
    assert warned.status_code == 200 and "A newer message arrived" in warned.content.decode()
    assert not ticket.messages.filter(body="Me too").exists()
    client.post(screen(ticket), {"action": "reply", "body": "Me too", "seen": seen, "send_anyway": "on"})
    assert ticket.messages.filter(body="Me too").exists()


# The audit log.


def test_every_action_is_in_the_history(client, agent, ticket):
    client.force_login(agent)
    client.post(
        reverse("wagtail_support_tickets:panel", args=[ticket.pk]),
        {"status": "awaiting_customer", "priority": "30", "assignee": agent.pk, "tags": "x"},
    )
    client.post(screen(ticket), {"action": "note", "body": "Internal"})
    actions = set(ModelLogEntry.objects.filter(object_id=str(ticket.pk)).values_list("action", flat=True))
    assert {
        "wagtail_support.ticket.status",
        "wagtail_support.ticket.priority",
        "wagtail_support.ticket.assignee",
        "wagtail_support.ticket.tags",
        "wagtail_support.ticket.note",
    } <= actions
    history = client.get(reverse("wagtail_support_tickets:history", args=[ticket.pk]))
    assert history.status_code == 200 and "Internal note added" in history.content.decode()


def test_the_queue_filters_by_tag_and_the_report_counts_tags(client, agent):
    tagged, plain = TicketFactory(title="Tagged one"), TicketFactory(title="Plain one")
    tagged.tags.add("refund")
    client.force_login(agent)
    html = client.get(reverse("wagtail_support_tickets:index") + "?tag=refund").content.decode()
    assert tagged.reference in html and plain.reference not in html
    report = client.get(reverse("wagtail_support_reports:index")).content.decode()
    assert "refund" in report
    csv = client.get(reverse("wagtail_support_reports:index") + "?export=csv").content.decode()
    assert "refund,1,0" in csv.replace("\r", "")


# Saved views.


def test_an_agent_saves_a_view_and_sees_it_in_the_menu_with_its_count(client, agent):
    TicketFactory(assignee=agent, priority=30)
    TicketFactory(assignee=agent, priority=10)
    client.force_login(agent)
    response = client.post(
        reverse("wagtail_support_tickets:save_view"),
        {"name": "Mine, high", "query": "assignee=mine&priority=30&p=2"},
    )
    assert response.status_code == 302
    view = agent.support_saved_views.get()
    assert view.query == "assignee=mine&priority=30"  # no paging
    from wagtail_support.staff.saved_views import menu_entries

    entries = {name: count for name, _url, count in menu_entries(agent)}
    assert entries["Mine, high"] == 1 and entries["My open tickets"] == 2
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Mine, high (1)" in html


def test_a_saved_view_needs_a_new_name(client, agent):
    client.force_login(agent)
    url = reverse("wagtail_support_tickets:save_view")
    client.post(url, {"name": "Mine", "query": "assignee=mine"})
    client.post(url, {"name": "mine", "query": "status=any"})
    client.post(url, {"name": "  ", "query": "status=any"})
    assert agent.support_saved_views.count() == 1


def test_the_demo_ships_macros_with_placeholders(capsys):
    from django.core.management import call_command

    from wagtail_support.staff.models import CannedResponse

    call_command("support_demo", admin_password="x")
    call_command("support_demo", admin_password="x")  # safe to run again
    macros = CannedResponse.objects.all()
    assert macros.count() >= 3
    assert all("{first_name}" in m.body for m in macros) and any(m.is_macro for m in macros)


def test_the_customer_e_mail_names_the_agent_not_their_address(agent, ticket):
    services.reply(ticket, agent, "Fixed.")
    notification = Notification.objects.filter(recipient=ticket.customer.email).latest("pk")
    assert notification.context["author_name"] == "Agnes"
    assert agent.email not in str(notification.context)


def test_the_history_links_back_to_the_ticket_screen(client, agent, ticket):
    client.force_login(agent)
    html = client.get(reverse("wagtail_support_tickets:history", args=[ticket.pk])).content.decode()
    assert f'href="{screen(ticket)}"' in html


def test_an_agent_may_choose_the_name_customers_see(client, agent, ticket):
    from wagtail_support.tickets.people import AgentProfile

    client.force_login(agent)
    account = client.get(reverse("wagtailadmin_account")).content.decode()
    assert "Name shown to customers" in account and not AgentProfile.objects.exists()  # GET writes nothing
    AgentProfile.objects.create(user=agent, public_name="Aggie from Acme")
    agent.refresh_from_db()
    assert display_name(agent, for_customer=True) == "Aggie from Acme"
    assert display_name(agent) == "Agnes Agent"  # the team still sees the real name

    page = publish_support_page()
    ticket.support_page = page
    ticket.save()
    services.reply(ticket, agent, "Fixed.")
    notification = Notification.objects.filter(recipient=ticket.customer.email).latest("pk")
    assert notification.context["author_name"] == "Aggie from Acme"
    client.force_login(ticket.customer)
    html = client.get(
        page.url + page.reverse_subpage("ticket_route", args=[ticket.reference])
    ).content.decode()
    assert "Aggie from Acme, support team" in html


def test_an_automatic_close_is_an_event_the_customer_sees():
    from datetime import timedelta

    from django.utils import timezone

    ticket = TicketFactory(status=TicketStatus.AWAITING_CUSTOMER)
    Ticket.objects.filter(pk=ticket.pk).update(last_activity_at=timezone.now() - timedelta(days=30))
    assert workflow.auto_close_stale(days=14) == 1
    event = ticket.events.get()
    assert event.public and event.describe() == (
        "The ticket was closed automatically after 14 days without an answer."
    )
