"""The ticket screen's assignee choices come from the cache, and any change to who is an agent shows
at once; a save is checked against the agents as they are now."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import TicketFactory, UserFactory

pytestmark = pytest.mark.django_db


def assignee_options(client, ticket):
    html = client.get(reverse("wagtail_support_tickets:inspect", args=[ticket.pk])).content.decode()
    return html.split('name="assignee"')[1].split("</select>")[0]


def test_a_new_agent_is_offered_at_once_and_a_former_one_is_not(client):
    client.force_login(UserFactory(username="agent", groups=["Support agents"]))
    ticket = TicketFactory()
    assert "Robin" not in assignee_options(client, ticket)

    robin = UserFactory(username="robin", first_name="Robin", groups=["Support agents"])
    assert "Robin" in assignee_options(client, ticket)

    robin.first_name = "Robyn"
    robin.save()
    assert "Robyn" in assignee_options(client, ticket)

    robin.groups.remove(Group.objects.get(name="Support agents"))
    assert "Robyn" not in assignee_options(client, ticket)


def test_a_stale_choice_cannot_assign_someone_who_is_no_longer_an_agent(client):
    client.force_login(UserFactory(username="agent", groups=["Support agents"]))
    ticket = TicketFactory()
    robin = UserFactory(username="robin", groups=["Support agents"])
    assignee_options(client, ticket)  # the choices are in the cache with robin
    # A bulk update sends no signal: the cached choices still offer robin.
    type(robin).objects.filter(pk=robin.pk).update(is_active=False)
    client.post(
        reverse("wagtail_support_tickets:panel", args=[ticket.pk]),
        {"status": ticket.status, "priority": ticket.priority, "assignee": robin.pk, "tags": ""},
    )
    ticket.refresh_from_db()
    assert ticket.assignee_id is None
