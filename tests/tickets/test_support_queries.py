"""Done-when 4: My tickets and a ticket page run the same number of SQL queries for 5 or 500
tickets and messages (bulk-created for speed)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EntitlementFactory, InstallationFactory, UserFactory, publish_support_page
from tests.reads import add_other_rows, assert_flat_reads, reads_of
from tests.tickets.test_support_views import screenshot
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


# Issue 13.1: no page reads other customers' rows (tests/reads.py). The ticket page used to run
# ``(queryset or Ticket.objects)``, which read every ticket with its messages and attachments.


@pytest.mark.parametrize("path", ["/support/", "{ticket}", "/support/new/", "/support/products/"])
def test_customer_pages_read_no_rows_of_other_tickets(client, customer, path):
    ticket = ticket_with_messages(customer, 3)
    url = path.format(ticket=f"/support/{ticket.reference}/")
    assert_flat_reads(client, url)


def test_ticket_page_reads_only_its_own_ticket(client, customer):
    ticket = ticket_with_messages(customer, 3)
    add_other_rows(50)
    log = reads_of(client, f"/support/{ticket.reference}/")
    assert not log.unfiltered()
    assert log.rows < 50


@pytest.fixture
def agent(client):
    cache.clear()
    user = UserFactory(username="agent", is_staff=True, groups=["Support agents"])
    client.force_login(user)
    return user


STAFF_PAGES = {
    # Listings of everyone's rows: they start past one page (25 tickets, 50 purchases), then must stay flat.
    "queue": ("wagtail_support_tickets:index", 60),
    "queue results": ("wagtail_support_tickets:index_results", 60),
    "purchases": ("wagtail_support_purchases:index", 60),
    "dashboard": ("wagtailadmin_home", 60),
    # Aggregates over every ticket: flat work, not "WHERE restricted to one ticket".
    "reports": ("wagtail_support_reports:index", 10),
    # One ticket or purchase: strict, every read restricted to it.
    "ticket": ("wagtail_support_tickets:inspect", 10),
    "purchase": ("wagtail_support_purchases:inspect", 10),
}


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_staff_pages_do_not_read_more_rows_as_tickets_grow(client, customer, agent, page):
    from django.urls import reverse

    name, first = STAFF_PAGES[page]
    ticket = ticket_with_messages(customer, 3)
    args = {"ticket": [ticket.pk], "purchase": [ticket.entitlement.purchase_id]}.get(page, [])
    client.force_login(agent)
    assert_flat_reads(client, reverse(name, args=args), strict=page in ("ticket", "purchase"), first=first)


# Issue 18, customer pages under load: a ticket opened from the support page keeps that page, so the
# link of its e-mails is built without looking the page up again.


def test_a_ticket_opened_from_the_page_links_its_emails_without_a_page_lookup(customer):
    from wagtail_support.links import first_support_page
    from wagtail_support.notifications.models import Notification

    entitlement = EntitlementFactory(purchase__customer=customer)
    page = first_support_page()
    with CaptureQueriesContext(connection) as queries:
        ticket = services.open_ticket(customer, entitlement, "Help", "It broke.", page=page)
    # No lookup of the live support pages (Wagtail's site root paths and translations are other reads).
    lookups = [q["sql"] for q in queries.captured_queries if 'content_type_id" IN' in q["sql"]]
    assert not lookups
    email = Notification.objects.get(kind="ticket_opened_customer")
    assert email.context["ticket_url"].endswith(f"/support/{ticket.reference}/")
    assert ticket.support_page_id == page.pk


def test_a_reply_reads_the_product_and_customer_with_the_locked_ticket(customer):
    entitlement = EntitlementFactory(purchase__customer=customer)
    ticket = services.open_ticket(customer, entitlement, "Help", "It broke.")
    with CaptureQueriesContext(connection) as queries:
        services.reply(Ticket.objects.get(pk=ticket.pk), customer, "More detail.")
    alone = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "auth_user"')]
    alone += [
        q["sql"] for q in queries.captured_queries if 'FROM "wagtail_support_supportedproduct"' in q["sql"]
    ]
    assert not alone
