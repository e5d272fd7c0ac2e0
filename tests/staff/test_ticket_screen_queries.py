"""Issue 18: the staff ticket screen runs a constant number of queries, whatever the length of the
conversation, the customer's number of other tickets or the number of canned responses; the
canned responses are read once (the form's choices and the macros share them)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CannedResponseFactory, InstallationFactory, UserFactory
from tests.tickets.test_support_queries import ticket_with_messages
from wagtail_support.models import Ticket

pytestmark = pytest.mark.django_db


def screen_queries(client, ticket):
    url = reverse("wagtail_support_tickets:inspect", args=[ticket.pk])
    client.get(url)  # the first visit clears the unread flag and warms the caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured]


def test_the_ticket_screen_runs_a_constant_number_of_queries(client):
    cache.clear()
    customer = UserFactory(username="dana", first_name="Dana")
    agent = UserFactory(username="agent", is_staff=True, groups=["Support agents"])
    client.force_login(agent)
    small = ticket_with_messages(customer, 5)
    few = screen_queries(client, small)

    large = ticket_with_messages(customer, 300)
    large.installation = InstallationFactory(entitlement=large.entitlement)
    large.save(update_fields=["installation"])
    Ticket.objects.bulk_create(
        Ticket(customer=customer, entitlement=small.entitlement, product=small.product, title=f"Other {n}")
        for n in range(30)
    )
    for n in range(5):
        CannedResponseFactory(title=f"Answer {n}", body="Hi {first_name}, {support_until}.")
    many = screen_queries(client, large)
    # Three reads only some screens need, once each: the ticket's site (a ticket with one), and for
    # the macros' placeholders its entitlement and the agent's public name.
    assert len(many) <= len(few) + 3, "\n".join(many)
    assert sum("wagtail_support_cannedresponse" in sql for sql in many) == 1
