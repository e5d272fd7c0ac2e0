"""The support section in headless Chromium.

Done-when 1: a customer opens a ticket as a new user would, and the e-mails go through the real worker.
Done-when 5: axe-core finds no WCAG 2.2 AA violation on My tickets, New (with errors) and a ticket page,
and New → Create works by keyboard alone.
"""

import re

import pytest
from django.core.cache import cache

from tests.factories import (
    EntitlementFactory,
    InstallationFactory,
    SupportedProductFactory,
    UserFactory,
    publish_support_page,
)
from tests.tickets.test_support_views import png_bytes, screenshot
from wagtail_support.models import Ticket
from wagtail_support.sitesettings import SupportSettings
from wagtail_support.tickets import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-demo-password"


@pytest.fixture
def ann():
    """A customer with a supported theme on one site, and the support section at /support/."""
    cache.clear()
    page = publish_support_page(show_in_menus=True, intro="<p>We are here to help.</p>")
    settings = SupportSettings.for_site(page.get_site())
    settings.team_emails = "team@example.com"
    settings.save()
    user = UserFactory(username="ann@example.com", email="ann@example.com", first_name="Ann")
    user.set_password(PASSWORD)
    user.save()
    entitlement = EntitlementFactory(
        purchase__customer=user, product=SupportedProductFactory(name="Aurora theme")
    )
    InstallationFactory(entitlement=entitlement, domain="ann.example")
    return user


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/support-center/account/login/?next=/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")


def plain_text(message):
    return message.get_body(("plain",)).get_content()


@pytest.mark.integration
def test_a_customer_opens_a_ticket_and_the_emails_go_through_the_worker(
    live_server, page, ann, start_worker, smtp_sink
):
    start_worker()
    page.goto(f"{live_server.url}/support/")  # e.g. the link in the welcome e-mail
    page.wait_for_url(re.compile(r"/support-center/account/login/\?next=/support/$"))
    page.get_by_label("E-mail address").fill(ann.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/support/")

    page.locator("main").get_by_role("link", name="New ticket").first.click()
    page.get_by_label("Aurora theme").check()
    # The theme's only registered site is already chosen: the seed's steps need nothing more.
    assert (
        page.locator("select[name=installation] option:checked").inner_text() == "ann.example (Aurora theme)"
    )
    page.get_by_role("textbox", name="Title").fill("Checkout shows an error")
    page.get_by_role("textbox", name="Description").fill("When I pay I see **Error 500**.")
    page.set_input_files(
        "input[name=attachments]",
        files=[{"name": "screen.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    page.get_by_role("button", name="Create").click()

    page.wait_for_url(re.compile(r"/support/SUP-\d+/$"))
    assert page.locator("h1").inner_text() == "Checkout shows an error"
    assert page.locator(".support-message-body strong").inner_text() == "Error 500"
    assert page.get_by_role("link", name="screen.png").count() == 1
    ticket = Ticket.objects.get()

    smtp_sink.wait_for(2)
    by_recipient = {message["To"]: message for message in smtp_sink.messages}
    assert set(by_recipient) == {"team@example.com", "ann@example.com"}
    team_mail = plain_text(by_recipient["team@example.com"])
    assert "When I pay I see **Error 500**." in team_mail and "Open the ticket: http" in team_mail
    assert ticket.reference in by_recipient["team@example.com"]["Subject"]
    confirmation = plain_text(by_recipient["ann@example.com"])
    assert f"/support/{ticket.reference}/" in confirmation

    agent = UserFactory(username="sam", email="sam@example.com", first_name="Sam")
    services.reply(ticket, agent, "Please clear the cache, then try again.")

    smtp_sink.wait_for(3)
    answer = smtp_sink.messages[2]
    assert answer["To"] == "ann@example.com"
    body = plain_text(answer)
    assert "Please clear the cache, then try again." in body
    assert f"/support/{ticket.reference}/" in body and "token" not in body.lower()
    page.reload()
    assert page.get_by_text("Please clear the cache, then try again.").is_visible()
    assert page.get_by_text("Awaiting you").is_visible()


def assert_no_violations(violations):
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[node['target'] for node in v['nodes']]}"
        for v in violations
    )


def test_support_pages_have_no_wcag_violations(live_server, page, ann, axe_violations):
    entitlement = ann.support_entitlements.get()
    ticket = services.open_ticket(
        ann,
        entitlement,
        "Fonts look wrong",
        "See the *screenshot*.",
        files=[screenshot()],
        installation=entitlement.installations.get(),
    )
    services.reply(ticket, UserFactory(username="sam", first_name="Sam"), "Which browser do you use?")
    log_in(page, live_server, ann)

    page.goto(f"{live_server.url}/support/")
    assert page.locator("table.support-tickets tbody tr").count() == 1
    assert_no_violations(axe_violations(page))

    page.goto(f"{live_server.url}/support/new/")
    page.get_by_role("button", name="Create").click()
    # The summary is in the answer's HTML; the deferred script moves the focus to it once it runs
    # (later than the selector appears on a busy machine): wait for the focus, fail if it never comes.
    page.wait_for_function("document.activeElement?.hasAttribute('data-error-summary')", timeout=15_000)
    assert_no_violations(axe_violations(page))

    page.goto(f"{live_server.url}/support/{ticket.reference}/")
    assert page.get_by_text("Which browser do you use?").is_visible()
    assert_no_violations(axe_violations(page))


def tab_to(page, selector, limit=80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_new_ticket_by_keyboard_alone(live_server, page, ann):
    log_in(page, live_server, ann)
    page.goto(f"{live_server.url}/support/")

    tab_to(page, "a.btn[href$='/support/new/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/support/new/")
    tab_to(page, "input[name=product]")
    page.keyboard.press("Space")
    tab_to(page, "select[name=installation]")
    page.keyboard.press("ArrowDown")
    tab_to(page, "input[name=title]")
    page.keyboard.type("Menu does not open")
    tab_to(page, "textarea[name=description]")
    page.keyboard.type("Clicking the menu does nothing.")
    tab_to(page, "button[type=submit]:not([name=preview])")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/support/SUP-\d+/$"))
    assert page.locator("h1").inner_text() == "Menu does not open"
    assert Ticket.objects.get().installation.domain == "ann.example"
