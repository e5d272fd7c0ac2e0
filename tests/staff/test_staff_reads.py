"""Issue 16/18: the agent's newer staff pages read no unfiltered rows of the big tables (tickets,
messages, attachments, purchases, entitlements) and read as much with 10 or 1,000 other tickets
(tests/reads.py): inserting a macro, a ticket with colleagues, the agent's profile (Account), the queue
opened from a saved view, and "next ticket"."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import CannedResponseFactory, UserFactory
from tests.reads import add_other_rows, recording_reads
from tests.tickets.test_support_queries import ticket_with_messages
from wagtail_support.staff.models import SavedView
from wagtail_support.tickets.models import TicketColleague

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(client):
    cache.clear()
    customer = UserFactory(username="dana", first_name="Dana")
    ticket = ticket_with_messages(customer, 3)
    colleague = UserFactory(username="sam", email="sam@example.com")
    TicketColleague.objects.create(ticket=ticket, email=colleague.email, user=colleague, added_by=customer)
    agent = UserFactory(username="agent", first_name="Agnes", is_staff=True, groups=["Support agents"])
    SavedView.objects.create(user=agent, name="Mine", query="status=open&assignee=mine")
    canned = CannedResponseFactory(title="Hello", body="Hi {first_name}, until {support_until}. {agent_name}")
    client.force_login(agent)
    return ticket, canned


def requests(ticket, canned):
    screen = reverse("wagtail_support_tickets:inspect", args=[ticket.pk])
    return {
        "macro inserted": (
            "post",
            screen,
            {"action": "insert", "canned": canned.pk, "body": ""},
            200,
            "Hi Dana",
        ),
        "ticket with colleagues and macros": ("get", screen, None, 200, "sam@example.com"),
        "agent profile": ("get", reverse("wagtailadmin_account"), None, 200, "Name shown to customers"),
        "saved view": (
            "get",
            reverse("wagtail_support_tickets:index") + "?status=open&assignee=mine",
            None,
            200,
            "Mine",
        ),
        "next ticket": ("get", reverse("wagtail_support_tickets:next"), None, 302, ""),
    }


def read(client, method, url, data, status, expect):
    with recording_reads() as log:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    assert response.status_code == status, url
    assert expect in response.content.decode()
    assert not log.unfiltered(), f"{url} reads a big table without a WHERE: {log.unfiltered()}"
    return log


@pytest.mark.parametrize(
    "page",
    ["macro inserted", "ticket with colleagues and macros", "agent profile", "saved view", "next ticket"],
)
def test_newer_staff_pages_read_only_what_they_show(client, setting, page):
    request = requests(*setting)[page]
    add_other_rows(10)
    read(client, *request)  # warm caches
    few = read(client, *request)
    add_other_rows(990)
    many = read(client, *request)
    assert (many.rows, len(many.reads)) == (few.rows, len(few.reads)), page
