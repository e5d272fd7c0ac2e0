"""Done-when 1 of the workspace issue, through the admin as an agent with the real worker and SMTP.

Filter "unassigned", open the ticket, insert a canned response, reply: the customer receives the
reply text by e-mail through Redis and a ``celery worker`` process, and the ticket awaits the customer.
"""

import pytest
from django.urls import reverse

from tests.conftest import BROKERS
from tests.factories import CannedResponseFactory, MessageFactory, TicketFactory, UserFactory
from wagtail_support.tickets.models import TicketStatus

# A transactional test: restore Wagtail's site and pages (the factory makes the agents group).
pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.parametrize("broker_url", BROKERS, indirect=True),
]


def test_agent_answers_an_unassigned_ticket_with_a_canned_response(client, start_worker, smtp_sink):
    ticket = TicketFactory(title="Menu does not open")
    MessageFactory(ticket=ticket, body="The menu does not open on phones.")
    TicketFactory(assignee=UserFactory(username="someone-else"), title="Someone else's")
    canned = CannedResponseFactory(body="Please **clear your cache** and reload.", product=ticket.product)
    agent = UserFactory(username="agent", groups=["Support agents"])
    client.force_login(agent)
    start_worker()

    queue = client.get(reverse("wagtail_support_tickets:index") + "?assignee=unassigned").content.decode()
    url = reverse("wagtail_support_tickets:inspect", args=[ticket.pk])
    assert url in queue and "Someone else" not in queue

    screen = client.get(url).content.decode()
    assert "The menu does not open on phones." in screen and canned.title in screen

    inserted = client.post(url, {"action": "insert", "canned": canned.pk, "body": "Hello Ann,"})
    assert "Hello Ann,\n\nPlease **clear your cache** and reload." in inserted.content.decode()

    body = inserted.context["reply_form"].initial["body"]
    response = client.post(url, {"action": "reply", "body": body})
    assert response.status_code == 302

    [message] = smtp_sink.wait_for(1)
    assert message["To"] == ticket.customer.email
    assert "Please **clear your cache** and reload." in message.get_body(("plain",)).get_content()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_CUSTOMER
    assert "Awaiting the customer" in client.get(url).content.decode()
