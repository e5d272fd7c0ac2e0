"""Done-when 4: My tickets and a ticket page run the same number of SQL queries for 5 or 500
tickets and messages (bulk-created for speed)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EntitlementFactory, InstallationFactory, UserFactory, publish_support_page
from tests.test_support_views import screenshot
from wagtail_support.models import Attachment, Message, Ticket
from wagtail_support.tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(client):
    cache.clear()
    publish_support_page()
    user = UserFactory(username="ann")
    client.force_login(user)
    return user


def add_tickets(customer, count):
    entitlement = EntitlementFactory(purchase__customer=customer)
    site = InstallationFactory(entitlement=entitlement)
    Ticket.objects.bulk_create(
        Ticket(
            customer=customer,
            entitlement=entitlement,
            product=entitlement.product,
            installation=site,
            title=f"Question {n}",
            unread_by_customer=n % 2 == 0,
        )
        for n in range(count)
    )


def ticket_with_messages(customer, count):
    entitlement = EntitlementFactory(purchase__customer=customer)
    ticket = services.open_ticket(customer, entitlement, "Long story", "Start.", files=[screenshot()])
    agent = UserFactory(username=f"agent-{count}", first_name="Sam")
    messages = Message.objects.bulk_create(
        Message(
            ticket=ticket,
            author=agent if n % 2 else customer,
            from_staff=bool(n % 2),
            is_internal=n % 5 == 0,
            body=f"Message {n}",
            body_html=f"<p>Message {n}</p>",
        )
        for n in range(count)
    )
    template = Attachment.objects.filter(message__ticket=ticket).get()
    Attachment.objects.bulk_create(
        Attachment(
            message=message, file=template.file.name, name=f"log-{n}.txt", content_type="text/plain", size=9
        )
        for n, message in enumerate(messages[::10])
    )
    return ticket


def queries_for(client, path, expect):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    assert expect in response.content.decode()
    return len(captured)


def test_my_tickets_runs_a_constant_number_of_queries(client, customer, django_assert_max_num_queries):
    add_tickets(customer, 5)
    few = queries_for(client, "/support/", "Question 4")

    add_tickets(customer, 495)
    with django_assert_max_num_queries(few):
        client.get("/support/")
    assert queries_for(client, "/support/?page=20", "Page 20 of 20") <= few
    assert queries_for(client, "/support/?status=open&q=question", "500 tickets") <= few + 1


def test_ticket_page_runs_a_constant_number_of_queries(client, customer, django_assert_max_num_queries):
    small = ticket_with_messages(customer, 5)
    large = ticket_with_messages(customer, 500)
    client.get(f"/support/{small.reference}/")  # the first visit also clears the unread flag
    client.get(f"/support/{large.reference}/")

    few = queries_for(client, f"/support/{small.reference}/", "Message 4")
    with django_assert_max_num_queries(few):
        response = client.get(f"/support/{large.reference}/")
    assert "Message 499" in response.content.decode()
    assert "Message 495" not in response.content.decode()  # an internal note
