"""The agent's day in Chromium: macros inserted without a reload (files kept), two agents warned of
each other, axe-core on the ticket screen and the dashboard, the keyboard shortcuts."""

import pytest
from django.urls import reverse
from PIL import Image

from tests.factories import CannedResponseFactory, MessageFactory, TicketFactory, UserFactory
from tests.staff.test_browser import PASSWORD, log_in_to_admin
from wagtail_support.tickets.models import Ticket, TicketStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def agent_named(username, first, last):
    user = UserFactory(username=username, first_name=first, last_name=last, groups=["Support agents"])
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def agent():
    return agent_named("agnes", "Agnes", "Agent")


@pytest.fixture
def ticket():
    customer = UserFactory(username="dana", first_name="Dana", last_name="Buyer")
    ticket = TicketFactory(customer=customer, entitlement__purchase__customer=customer)
    MessageFactory(ticket=ticket, body="My header is broken")
    return ticket


def screen(ticket):
    return reverse("wagtail_support_tickets:inspect", args=[ticket.pk])


def test_a_macro_is_inserted_without_a_reload_keeps_the_files_and_applies_on_send(
    live_server, page, agent, ticket, tmp_path
):
    CannedResponseFactory(
        title="Refund",
        body="Hi {first_name}, your refund for {product} is on its way.",
        set_status="closed",
        add_tags="refund",
    )
    log_in_to_admin(page, live_server, agent, screen(ticket))
    shot = tmp_path / "screenshot.png"
    Image.new("RGB", (8, 8), "red").save(shot, "PNG")
    page.set_input_files("input[name=files]", str(shot))
    page.evaluate("window.notReloaded = true")
    page.select_option("select[name=canned]", label="Refund")
    page.get_by_role("button", name="Insert canned response").click()

    body = page.locator("textarea[name=body]")
    assert body.input_value() == f"Hi Dana, your refund for {ticket.product.name} is on its way."
    assert page.evaluate("window.notReloaded") is True  # no reload
    assert page.evaluate("document.querySelector('input[name=files]').files.length") == 1
    page.get_by_text("On send, this canned response also sets").wait_for()

    page.get_by_role("button", name="Send and wait for the customer").click()
    page.get_by_text("Your reply was sent").wait_for()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and list(ticket.tags.names()) == ["refund"]
    reply = ticket.messages.filter(from_staff=True).get()
    assert reply.body.startswith("Hi Dana") and reply.attachments.count() == 1


def test_two_agents_see_each_other_and_the_second_sender_is_warned(live_server, browser, agent, ticket):
    other = agent_named("olga", "Olga", "Other")
    pages = []
    for user in (agent, other):
        page = browser.new_context().new_page()
        log_in_to_admin(page, live_server, user, screen(ticket))
        pages.append(page)
    first, second = pages
    second.locator("textarea[name=body]").fill("Typing an answer")
    first.get_by_text("Olga Other is writing a reply to this ticket.").wait_for(timeout=15_000)
    second.get_by_text("Agnes Agent also has this ticket open.").wait_for(timeout=15_000)

    first.locator("textarea[name=body]").fill("First answer")
    first.get_by_role("button", name="Send and wait for the customer").click()
    first.get_by_text("Your reply was sent").wait_for()
    second.get_by_role("button", name="Send and wait for the customer").click()
    second.get_by_text("A newer message arrived since you opened this ticket").wait_for()
    assert not Ticket.objects.get(pk=ticket.pk).messages.filter(body="Typing an answer").exists()


def test_ticket_screen_and_dashboard_have_no_wcag_violations(
    live_server, page, agent, ticket, axe_violations
):
    CannedResponseFactory(title="Hello", body="Hi {first_name}")
    ticket.assignee = agent
    ticket.save()
    ticket.tags.add("billing")
    log_in_to_admin(page, live_server, agent, screen(ticket))
    page.get_by_role("heading", name="Conversation").wait_for()
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]

    page.goto(f"{live_server.url}{reverse('wagtailadmin_home')}")
    page.get_by_role("heading", name="Your next tickets").wait_for()
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_the_shortcuts_work_with_the_keyboard_only(live_server, page, agent, ticket):
    later = TicketFactory(title="Second question", assignee=agent)
    log_in_to_admin(page, live_server, agent, screen(ticket))
    page.locator("body").click(position={"x": 1, "y": 1})

    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    dialog.wait_for()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()

    page.keyboard.press("a")  # assign to me
    page.get_by_text("The ticket is saved.").wait_for()
    page.wait_for_load_state("load")  # the shortcuts are bound by a deferred script
    ticket.refresh_from_db()
    assert ticket.assignee == agent

    page.keyboard.press("n")  # internal note
    page.keyboard.type("Checked the logs")
    page.keyboard.press("Control+Enter")
    page.get_by_text("Your internal note was added.").wait_for()
    page.wait_for_load_state("load")  # the shortcuts are bound by a deferred script
    assert ticket.messages.filter(body="Checked the logs", is_internal=True).exists()

    page.keyboard.press("r")
    page.keyboard.type("Fixed now")
    page.keyboard.press("Control+Enter")
    page.get_by_text("Your reply was sent").wait_for()
    page.wait_for_load_state("load")  # the shortcuts are bound by a deferred script

    page.keyboard.press("c")  # close
    page.get_by_text("The ticket is saved.").wait_for()
    page.wait_for_load_state("load")  # the shortcuts are bound by a deferred script
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED

    page.keyboard.press("j")  # next ticket
    page.wait_for_url(f"{live_server.url}{screen(later)}")
