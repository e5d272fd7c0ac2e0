"""Issue 15: Chromium in Los Angeles reports its zone on the first signed-in visit; times follow."""

import pytest

from tests.conftest import wait_until
from tests.tickets.test_support_browser import PASSWORD, ann, log_in  # noqa: F401 - ann is a fixture
from wagtail_support.customers.models import CustomerProfile
from wagtail_support.tickets import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_browser_reports_its_zone_once_and_times_are_shown_in_it(live_server, browser, ann):  # noqa: F811
    entitlement = ann.support_entitlements.get()
    services.open_ticket(
        ann, entitlement, "Fonts look wrong", "Hello", installation=entitlement.installations.get()
    )
    context = browser.new_context(timezone_id="America/Los_Angeles")
    page = context.new_page()
    log_in(page, live_server, ann)
    assert PASSWORD

    page.goto(f"{live_server.url}/support/")
    wait_until(
        lambda: CustomerProfile.objects.filter(user=ann, time_zone="America/Los_Angeles").exists(),
        message="the browser's zone stored",
    )
    page.reload()
    assert page.locator("table.support-tickets time").first.inner_text().endswith((" PST", " PDT"))
    assert page.locator("[data-detect-zone]").count() == 0
    context.close()
