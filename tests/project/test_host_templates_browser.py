"""The customer pages in Chromium, in a host site shaped like `wagtail start` (Wagtail's base.html, no
CSS framework) on a 390 px wide phone: the app's CSS and JavaScript load, nothing overflows, axe is clean."""

import pytest

from tests.factories import (
    EntitlementFactory,
    InstallationFactory,
    MessageFactory,
    SupportedProductFactory,
    TicketFactory,
    UserFactory,
    publish_support_page,
)
from tests.project.test_host_templates import host_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-Unusual-passphrase-42"  # noqa: S105 - a test value
ACCENT = "rgb(11, 94, 215)"  # support.css's button colour


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


@pytest.fixture
def ticket():
    publish_support_page()
    ann = UserFactory(username="ann@example.com", email="ann@example.com")
    ann.set_password(PASSWORD)
    ann.save()
    entitlement = EntitlementFactory(
        purchase__customer=ann, product=SupportedProductFactory(name="Aurora theme")
    )
    InstallationFactory(entitlement=entitlement, domain="ann.example")
    ticket = TicketFactory(entitlement=entitlement, title="Checkout shows an error")
    MessageFactory(ticket=ticket)
    return ticket


def assert_fits(page, axe_violations):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{page.url} scrolls sideways"
    violations = axe_violations(page)
    assert violations == [], "\n".join(
        f"{page.url} {v['id']} ({v['impact']}): {v['help']} -> {[node['target'] for node in v['nodes']]}"
        for v in violations
    )


def test_customer_pages_in_a_wagtail_start_site_on_a_phone(live_server, phone, ticket, axe_violations):
    page = phone
    with host_site():
        page.goto(f"{live_server.url}/support/")
        page.get_by_role("heading", name="Log in").wait_for()
        assert page.evaluate("document.body.dataset.hostBase") == "wagtail"
        button = page.get_by_role("button", name="Log in")
        assert button.evaluate("b => getComputedStyle(b).backgroundColor") == ACCENT  # support.css is in
        assert_fits(page, axe_violations)

        page.get_by_label("E-mail address").fill("ANN@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        button.click()
        page.wait_for_url(f"{live_server.url}/support/")
        assert_fits(page, axe_violations)

        page.get_by_role("link", name="New ticket").first.click()
        page.get_by_role("heading", name="New ticket").wait_for()
        assert_fits(page, axe_violations)

        page.goto(f"{live_server.url}/support/{ticket.reference}/")
        page.get_by_role("textbox", name="Your reply").fill("It **still** fails.")
        page.get_by_role("button", name="Preview").click()
        page.locator("#reply-preview .support-message-body strong").wait_for()  # support.js, in place
        assert page.url == f"{live_server.url}/support/{ticket.reference}/"
        assert_fits(page, axe_violations)
