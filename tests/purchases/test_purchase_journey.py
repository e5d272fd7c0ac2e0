"""The buyer's whole journey in headless Chromium: demo-shop purchase → e-mailed set-password link →
password set → signed in, in the support section. Each page on the way is checked with axe-core."""

import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command

from wagtail_support.models import CustomerAccount

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-Unusual-passphrase-42"  # noqa: S105 - a test value


@pytest.fixture(autouse=True)
def demo():
    call_command("support_demo", admin_password="demo-password", stdout=StringIO())


def assert_accessible(page, axe_violations):
    violations = axe_violations(page)
    assert violations == [], "\n".join(
        f"{page.url} {v['id']} ({v['impact']}): {v['help']} -> {[node['target'] for node in v['nodes']]}"
        for v in violations
    )


def test_demo_shop_purchase_to_signed_in_support(live_server, page, axe_violations):
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Shop").click()
    assert_accessible(page, axe_violations)
    page.get_by_role("link", name="Buy Aurora theme").click()

    page.get_by_label("E-mail address").fill("ann.buyer@example.com")
    page.get_by_label("Your name").fill("Ann Buyer")
    assert page.get_by_label("Aurora theme").is_checked()
    assert_accessible(page, axe_violations)
    page.get_by_role("button", name="Place order").click()

    page.get_by_role("heading", name="Thank you — check your e-mail").wait_for()
    assert_accessible(page, axe_violations)
    [message] = [m for m in mail.outbox if m.to == ["ann.buyer@example.com"]]
    link = re.search(r"https?://\S+/account/set-password/\S+/", message.body).group(0)

    page.goto(live_server.url + urlsplit(link).path)
    page.get_by_role("heading", name="Set your password").wait_for()
    assert_accessible(page, axe_violations)
    page.get_by_label("New password").first.fill(PASSWORD)
    page.get_by_label("New password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()

    page.wait_for_url(live_server.url + "/support/")
    assert page.get_by_text("Your password is set and your account is ready.").is_visible()
    # Signed in: the support section offers to log out (as does the example site's own menu).
    assert page.get_by_role("navigation", name="Support").get_by_role("button", name="Log out").is_visible()
    assert page.get_by_text("Ann Buyer").first.is_visible()
    assert CustomerAccount.objects.get(user__email="ann.buyer@example.com").setup_pending is False

    page.get_by_role("link", name="My products").click()
    page.get_by_role("heading", name="Aurora theme").wait_for()
    assert_accessible(page, axe_violations)


def test_login_and_resend_pages_are_accessible_and_linked(live_server, page, axe_violations):
    page.goto(live_server.url + "/support-center/account/login/")
    assert_accessible(page, axe_violations)
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_role("heading", name="Forgot your password?").wait_for()
    assert_accessible(page, axe_violations)
    page.go_back()
    page.get_by_role("link", name="Didn't get the e-mail?").click()
    page.get_by_label("E-mail address of your purchase").fill("nobody@example.com")
    assert_accessible(page, axe_violations)
    page.get_by_role("button", name="Send a new link").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    assert_accessible(page, axe_violations)
