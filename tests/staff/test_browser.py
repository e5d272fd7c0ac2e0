"""The queue in a real browser: Wagtail's bulk-action script works on the rows the queue writes in
Python, and the queue page passes axe-core's WCAG 2.2 AA checks."""

import pytest
from django.urls import reverse

from tests.factories import MessageFactory, TicketFactory, UserFactory
from wagtail_support.tickets.models import Ticket, TicketStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-agent-password"


@pytest.fixture
def agent():
    user = UserFactory(username="agent", groups=["Support agents"])
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in_to_admin(page, live_server, user, next_url):
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}{reverse('wagtailadmin_login')}?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}{next_url}")


def test_agent_closes_two_tickets_with_the_bulk_action(live_server, page, agent):
    first = TicketFactory(title="Menu does not open")
    second = TicketFactory(title="Logo is blurry")
    kept = TicketFactory(title="Footer overlaps")
    for ticket in (first, second, kept):
        MessageFactory(ticket=ticket)
    index = reverse("wagtail_support_tickets:index")
    log_in_to_admin(page, live_server, agent, index)

    for ticket in (first, second):
        # Named "Select", described by the row's reference (as in Wagtail's own listings).
        checkbox = page.locator(f"input[data-bulk-action-checkbox][data-object-id='{ticket.pk}']")
        assert checkbox.get_attribute("aria-describedby") == f"ticket_{ticket.pk}_title"
        checkbox.check()
    page.get_by_text("2 items selected").wait_for()
    page.get_by_role("link", name="Close the selected tickets").click()
    page.get_by_role("button", name="Yes, close").click()
    page.wait_for_url(f"{live_server.url}{index}*")

    statuses = dict(Ticket.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: TicketStatus.CLOSED,
        second.pk: TicketStatus.CLOSED,
        kept.pk: TicketStatus.NEW,
    }


def test_queue_rows_have_no_wcag_violations(live_server, page, agent, axe_violations):
    overdue = TicketFactory(title="Checkout fails")
    MessageFactory(ticket=overdue)
    TicketFactory(title="Answered", unread_by_staff=False)
    index = reverse("wagtail_support_tickets:index")
    log_in_to_admin(page, live_server, agent, index)

    page.get_by_role("link", name=overdue.reference).wait_for()
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
