"""The staff workspace in the Wagtail admin: who sees what, the queue, the ticket screen, constant queries.

Done-when 2 (the access matrix) and 3 (constant queries for 10 or 1,000 tickets) of the workspace issue.
"""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.admin_access import DENIED, LOGIN, OK, outcome
from tests.factories import (
    CannedResponseFactory,
    CoveragePolicyFactory,
    MessageFactory,
    TicketFactory,
    UserFactory,
)
from wagtail_support.setup import ensure_groups
from wagtail_support.tickets.models import Ticket, TicketStatus

pytestmark = pytest.mark.django_db

INDEX = reverse("wagtail_support_tickets:index")


@pytest.fixture
def users():
    agent = UserFactory(username="agent", groups=["Support agents"])
    editor = UserFactory(username="editor", groups=["Support policy editors"])
    return {
        "anonymous": None,
        "customer": UserFactory(username="customer"),
        "agent": agent,
        "editor": editor,
        "wagtail editor": UserFactory(username="wagtail-editor", groups=["Editors"]),
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
    }


@pytest.fixture
def ticket():
    ticket = TicketFactory()
    MessageFactory(ticket=ticket, body="My header is broken")
    return ticket


def views(ticket, canned, policy):
    """Every Support admin view of the workspace: (name, method, url, data)."""
    pk = ticket.pk
    return {
        "queue": ("get", INDEX, None),
        "queue results": ("get", reverse("wagtail_support_tickets:index_results"), None),
        "queue csv": ("get", INDEX + "?export=csv", None),
        "ticket": ("get", reverse("wagtail_support_tickets:inspect", args=[pk]), None),
        "reply": (
            "post",
            reverse("wagtail_support_tickets:inspect", args=[pk]),
            {"action": "note", "body": "x"},
        ),
        "status": (
            "post",
            reverse("wagtail_support_tickets:status", args=[pk]),
            {"status": "awaiting_customer"},
        ),
        "priority": ("post", reverse("wagtail_support_tickets:priority", args=[pk]), {"priority": "30"}),
        "assign": ("post", reverse("wagtail_support_tickets:assign", args=[pk]), {"assignee": ""}),
        "merge": ("post", reverse("wagtail_support_tickets:merge", args=[pk]), {"target": "SUP-1"}),
        "panel": (
            "post",
            reverse("wagtail_support_tickets:panel", args=[pk]),
            {"status": "awaiting_customer", "priority": "20", "tags": "x"},
        ),
        "unmerge": ("post", reverse("wagtail_support_tickets:unmerge", args=[pk]), {}),
        "presence": ("post", reverse("wagtail_support_tickets:presence", args=[pk]), {"seen": "1"}),
        "next ticket": ("get", reverse("wagtail_support_tickets:next"), None),
        "history": ("get", reverse("wagtail_support_tickets:history", args=[pk]), None),
        "save view": ("post", reverse("wagtail_support_tickets:save_view"), {"name": "Mine", "query": "q=x"}),
        "reports": ("get", reverse("wagtail_support_reports:index"), None),
        "reports csv": ("get", reverse("wagtail_support_reports:index") + "?export=csv", None),
        "canned list": ("get", reverse("wagtailsnippets_wagtail_support_cannedresponse:list"), None),
        "canned add": ("get", reverse("wagtailsnippets_wagtail_support_cannedresponse:add"), None),
        "canned edit": (
            "get",
            reverse("wagtailsnippets_wagtail_support_cannedresponse:edit", args=[canned.pk]),
            None,
        ),
        "policy publish": (
            "post",
            reverse("wagtailsnippets_wagtail_support_coveragepolicy:edit", args=[policy.pk]),
            {"action-publish": "1", "title": "Changed"},
        ),
    }


# Each row: the view and what anonymous, customer, agent, policy editor, Wagtail's editor and superuser get.
MATRIX = {
    "queue": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "queue results": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "queue csv": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "ticket": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "reply": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "status": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "priority": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "assign": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "merge": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "panel": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "unmerge": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "presence": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "next ticket": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "history": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "save view": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "reports": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "reports csv": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "canned list": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "canned add": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "canned edit": (LOGIN, LOGIN, OK, DENIED, DENIED, OK),
    "policy publish": (LOGIN, LOGIN, DENIED, OK, DENIED, OK),
}
ROLES = ("anonymous", "customer", "agent", "editor", "wagtail editor", "superuser")


@pytest.mark.parametrize("view", MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, users, ticket, view, role):
    canned = CannedResponseFactory()
    policy = CoveragePolicyFactory()
    method, url, data = views(ticket, canned, policy)[view]
    if users[role] is not None:
        client.force_login(users[role])
    response = getattr(client, method)(url, data or {})
    assert outcome(response) == MATRIX[view][ROLES.index(role)]


def test_app_groups_hold_their_rights_and_wagtails_editors_none_of_the_apps():
    ensure_groups()
    agents = set(Group.objects.get(name="Support agents").permissions.values_list("codename", flat=True))
    policy_editors = set(
        Group.objects.get(name="Support policy editors").permissions.values_list("codename", flat=True)
    )
    editors = Group.objects.get(name="Editors").permissions.filter(content_type__app_label="wagtail_support")
    assert {"access_admin", "view_ticket", "change_ticket", "reply_ticket", "assign_ticket"} <= agents
    assert {"view_cannedresponse", "add_cannedresponse", "change_cannedresponse", "view_purchase"} <= agents
    assert "view_notification" in agents and "retry_notification" not in agents
    assert "publish_coveragepolicy" not in agents
    assert {"add_coveragepolicy", "change_coveragepolicy", "publish_coveragepolicy"} <= policy_editors
    assert not {p for p in policy_editors if p.endswith(("_ticket", "_purchase", "_supportedproduct"))}
    assert not editors.exists()


@pytest.mark.parametrize("role, shown", [("agent", True), ("editor", False), ("superuser", True)])
def test_menu_and_dashboard_show_tickets_only_to_agents(client, users, ticket, role, shown):
    client.force_login(users[role])
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert (INDEX in content) is shown
    assert ("Support tickets" in content) is shown


def test_menu_item_counts_tickets_awaiting_the_team(client, users, ticket):
    TicketFactory(status=TicketStatus.AWAITING_STAFF)
    TicketFactory(status=TicketStatus.AWAITING_CUSTOMER)
    client.force_login(users["agent"])
    assert "Tickets (2)" in client.get(reverse("wagtailadmin_home")).content.decode()


def test_queue_filters_search_and_columns(client, users, ticket):
    other = TicketFactory(title="Checkout page is blank", assignee=users["agent"])
    MessageFactory(ticket=other, body="The payment widget vanished")
    client.force_login(users["agent"])

    def listed(query):
        content = client.get(INDEX + query).content.decode()
        return {t.reference for t in (ticket, other) if f">{t.reference}<" in content}

    assert listed("") == {ticket.reference, other.reference}
    assert listed("?assignee=unassigned") == {ticket.reference}
    assert listed("?assignee=mine") == {other.reference}
    assert listed(f"?q={other.reference}") == {other.reference}
    assert listed(f"?q={ticket.customer.email}") == {ticket.reference}
    assert listed("?q=widget") == {other.reference}  # message text
    assert listed("?q=Checkout") == {other.reference}  # title
    assert listed("?unread=true") == {ticket.reference, other.reference}


def test_queue_opens_on_open_tickets_and_searches_every_status(client, users, ticket):
    closed = TicketFactory(title="Old invoice question", status=TicketStatus.CLOSED)
    client.force_login(users["agent"])

    def listed(query):
        response = client.get(INDEX + query)
        content = response.content.decode()
        shown = {t.reference for t in (ticket, closed) if f">{t.reference}<" in content}
        return shown, [f.field_label for f in response.context["view"].active_filters]

    assert listed("") == ({ticket.reference}, [])  # the default is not an active filter
    assert listed("?status=any") == ({ticket.reference, closed.reference}, ["Status"])
    assert listed("?status=closed") == ({closed.reference}, ["Status"])
    assert listed(f"?q={closed.reference}") == ({closed.reference}, [])
    assert listed("?q=invoice") == ({closed.reference}, [])
    assert listed("?q=invoice&status=open") == (set(), ["Status"])


def test_queue_tags_tickets_the_team_has_not_read(client, users, ticket):
    TicketFactory(unread_by_staff=False)
    client.force_login(users["agent"])
    content = client.get(INDEX).content.decode()
    assert content.count('w-status--primary">Unread<') == 1


def test_queue_flags_overdue_tickets(client, users):
    from datetime import timedelta

    from django.utils import timezone

    late = TicketFactory(first_response_due_at=timezone.now() - timedelta(hours=1))
    TicketFactory(first_response_due_at=timezone.now() + timedelta(hours=5))
    client.force_login(users["agent"])
    content = client.get(INDEX + "?overdue=true").content.decode()
    assert late.reference in content and content.count(">Overdue<") == 1


def test_queue_exports_csv(client, users, ticket):
    client.force_login(users["agent"])
    response = client.get(INDEX + "?export=csv")
    content = b"".join(response.streaming_content).decode()
    assert "Reference" in content.splitlines()[0]
    assert ticket.reference in content and ticket.customer.email in content


def test_ticket_screen_tells_replies_and_internal_notes_apart_and_clears_unread(client, users, ticket):
    MessageFactory(ticket=ticket, author=users["agent"], from_staff=True, is_internal=True, body="Check logs")
    client.force_login(users["agent"])
    content = client.get(reverse("wagtail_support_tickets:inspect", args=[ticket.pk])).content.decode()
    assert "Internal note — the customer does not see it" in content
    assert "My header is broken" in content
    ticket.refresh_from_db()
    assert ticket.unread_by_staff is False


def test_preview_and_insert_change_nothing(client, users, ticket):
    canned = CannedResponseFactory(body="Please **clear** your cache.")
    client.force_login(users["agent"])
    url = reverse("wagtail_support_tickets:inspect", args=[ticket.pk])
    inserted = client.post(url, {"action": "insert", "canned": canned.pk, "body": ""}).content.decode()
    assert "Please **clear** your cache." in inserted
    preview = client.post(url, {"action": "preview", "body": "Please **clear**"}).content.decode()
    assert "<strong>clear</strong>" in preview
    assert ticket.messages.count() == 1


def test_merge_moves_the_conversation_into_the_other_ticket(client, users, ticket):
    target = TicketFactory(entitlement=ticket.entitlement)
    client.force_login(users["agent"])
    url = reverse("wagtail_support_tickets:merge", args=[ticket.pk])
    asked = client.post(url, {"target": target.reference})
    ticket.refresh_from_db()
    assert asked.status_code == 200 and ticket.merged_into is None  # a confirmation first
    assert ticket.reference in asked.content.decode() and target.reference in asked.content.decode()
    client.post(url, {"target": target.reference, "confirm": "1"})
    ticket.refresh_from_db()
    assert ticket.merged_into == target and ticket.status == TicketStatus.CLOSED
    assert target.messages.filter(body="My header is broken").exists()


def test_merge_refuses_another_customers_ticket(client, users, ticket):
    stranger = TicketFactory()
    client.force_login(users["agent"])
    client.post(reverse("wagtail_support_tickets:merge", args=[ticket.pk]), {"target": stranger.reference})
    ticket.refresh_from_db()
    assert ticket.merged_into is None


def test_bulk_close_and_assign(client, users, ticket, mailoutbox):
    other = TicketFactory()
    client.force_login(users["agent"])
    ids = f"id={ticket.pk}&id={other.pk}"
    url = reverse("wagtail_bulk_action", args=["wagtail_support", "ticket", "assign"]) + "?" + ids
    client.post(url, {"assignee": users["superuser"].pk})
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {users["superuser"].pk}
    url = reverse("wagtail_bulk_action", args=["wagtail_support", "ticket", "close"]) + "?" + ids
    client.post(url)
    assert set(Ticket.objects.values_list("status", flat=True)) == {TicketStatus.CLOSED}


def test_select_all_closes_only_the_filtered_and_searched_listing(client, users, ticket):
    mine = TicketFactory(title="Checkout page", assignee=users["agent"])
    mine_other_words = TicketFactory(title="Logo", assignee=users["agent"])
    already_closed = TicketFactory(title="Checkout too", assignee=users["agent"], status=TicketStatus.CLOSED)
    client.force_login(users["agent"])
    close = reverse("wagtail_bulk_action", args=["wagtail_support", "ticket", "close"])

    client.post(close + "?assignee=mine&q=checkout&status=open&id=all")
    statuses = dict(Ticket.objects.values_list("pk", "status"))
    assert statuses[mine.pk] == TicketStatus.CLOSED
    assert statuses[mine_other_words.pk] != TicketStatus.CLOSED  # not matching the search
    assert statuses[ticket.pk] != TicketStatus.CLOSED  # someone else's (unassigned)
    assert Ticket.objects.get(pk=already_closed.pk).closed_at == already_closed.closed_at


def test_wrong_filter_values_are_dropped_and_the_rest_still_apply(client, users, ticket):
    mine = TicketFactory(assignee=users["agent"])
    closed = TicketFactory(assignee=users["agent"], status=TicketStatus.CLOSED)
    client.force_login(users["agent"])

    def listed(query):
        content = client.get(INDEX + query).content.decode()
        return {t.pk for t in (ticket, mine, closed) if f">{t.reference}<" in content}

    assert listed("?assignee=mine&product=999999") == {mine.pk}  # a deleted product
    assert listed("?status=bogus") == {ticket.pk, mine.pk}  # back to the open tickets
    assert listed("?priority=abc&assignee=mine") == {mine.pk}
    assert listed("?status=") == {ticket.pk, mine.pk}  # an empty status is the default


def test_editor_cannot_use_ticket_bulk_actions(client, users, ticket):
    client.force_login(users["editor"])
    url = reverse("wagtail_bulk_action", args=["wagtail_support", "ticket", "close"]) + f"?id={ticket.pk}"
    client.post(url)
    ticket.refresh_from_db()
    assert ticket.status != TicketStatus.CLOSED


def seed(count, agent):
    """``count`` tickets of one customer with a message each, in bulk; returns the last ticket."""
    from wagtail_support.tickets.models import Message

    first = TicketFactory()
    tickets = Ticket.objects.bulk_create(
        Ticket(
            customer=first.customer,
            entitlement=first.entitlement,
            product=first.product,
            title=f"Question {i}",
            assignee=agent if i % 2 else None,
        )
        for i in range(count - 1)
    )
    tickets = [first, *tickets] if tickets[0].pk else list(Ticket.objects.all())
    Message.objects.bulk_create(
        Message(ticket=t, author=first.customer, body="It does not work.", body_html="<p>x</p>")
        for t in tickets
    )
    return Ticket.objects.latest("pk")


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [INDEX, INDEX + "?status=open&assignee=unassigned", INDEX + "?q=Question", reverse("wagtailadmin_home")],
)
def test_queue_and_dashboard_queries_do_not_grow_with_tickets(client, users, url):
    client.force_login(users["agent"])
    seed(10, users["agent"])
    count_queries(client, url)  # warm caches (site, content types)
    small = count_queries(client, url)
    seed(990, users["agent"])  # 1,000 tickets
    count_queries(client, url)  # the seed saved a product: the queue's product choices are read again
    assert count_queries(client, url) == small


def test_ticket_screen_queries_do_not_grow_with_messages_or_tickets(client, users):
    client.force_login(users["agent"])
    ticket = seed(3, users["agent"])
    url = reverse("wagtail_support_tickets:inspect", args=[ticket.pk])
    count_queries(client, url)
    small = count_queries(client, url)
    for _ in range(20):
        MessageFactory(ticket=ticket)
        TicketFactory(entitlement=ticket.entitlement)
    assert count_queries(client, url) == small
