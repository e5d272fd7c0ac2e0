"""Issue 17 in headless Chromium.

Done-when 1: the seed's steps (Support → New → product, title, description, screenshot → Create)
succeed first time for a theme, a plugin and a hosting plan; a validation error keeps the files.
Done-when 2: a pasted and a dropped image upload with thumbnails; an oversized file is refused
before upload. Done-when 5: every customer page at 390 px: no sideways scroll, nothing clipped
(measured, not looked at), and axe-core clean.
"""

import base64
import re
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.factories import (
    EntitlementFactory,
    InstallationFactory,
    PurchaseFactory,
    SupportedProductFactory,
    UserFactory,
    publish_support_page,
)
from tests.tickets.test_support_browser import PASSWORD, assert_no_violations, log_in
from tests.tickets.test_support_views import png_bytes, screenshot
from wagtail_support.customers.profile import email_change_token
from wagtail_support.models import Attachment, Ticket, TicketColleague
from wagtail_support.purchases import accounts
from wagtail_support.sitesettings import SupportSettings
from wagtail_support.tickets import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}

JS = Path(__file__).resolve().parents[1] / "js"
#: Everything inside the page that sticks out of the screen, scrolls or is cut off.
OVERFLOW = (JS / "overflow.js").read_text()


@pytest.fixture
def ann():
    """A customer with a theme (one site registered), a plugin (no site yet) and a hosting plan."""
    cache.clear()
    page = publish_support_page(show_in_menus=True, intro="<p>We are here to help.</p>")
    settings = SupportSettings.for_site(page.get_site())
    settings.team_emails = "team@example.com"
    settings.first_response_hours = 24
    settings.save()
    user = UserFactory(username="ann@example.com", email="ann@example.com", first_name="Ann")
    user.set_password(PASSWORD)
    user.save()
    theme = EntitlementFactory(
        purchase=PurchaseFactory(customer=user, external_id="1042"),
        product=SupportedProductFactory(name="Aurora theme"),
    )
    InstallationFactory(entitlement=theme, domain="ann.example")
    EntitlementFactory(
        purchase__customer=user,
        product=SupportedProductFactory(name="Booking plugin", kind="plugin", installations_per_unit=3),
    )
    plan = EntitlementFactory(
        purchase__customer=user,
        product=SupportedProductFactory(
            name="Hosting Pro", kind="hosting", installations_per_unit=0, bundled_theme_claims=1
        ),
        bundled_claims_allowed=1,
    )
    EntitlementFactory(
        purchase=PurchaseFactory(customer=user, source="bundle"),
        product=theme.product,
        granted_by=plan,
    )
    return user


def fill_seed_steps(page, product, title):
    page.get_by_label(product, exact=True).first.check()  # the bought one before the one of the plan
    page.get_by_role("textbox", name="Title").fill(title)
    page.get_by_role("textbox", name="Description").fill("When I pay I see an error.")
    page.set_input_files(
        "input[name=attachments]",
        files=[{"name": "screen.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )


def test_the_seed_steps_succeed_first_time_for_a_theme_a_plugin_and_a_hosting_plan(live_server, page, ann):
    log_in(page, live_server, ann)
    site_question = page.locator("[data-site-question]")

    # A theme: its only registered site is chosen already.
    page.goto(f"{live_server.url}/support/")
    page.locator("main").get_by_role("link", name="New ticket").first.click()
    fill_seed_steps(page, "Aurora theme", "Theme: checkout error")
    assert site_question.is_visible()
    assert page.get_by_text("Order 1042, bought on").is_visible()
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(re.compile(r"/support/SUP-\d+/$"))
    assert page.get_by_text("The team usually answers within 1 day.").first.is_visible()

    # A hosting plan: no site question at all.
    page.goto(f"{live_server.url}/support/new/")
    fill_seed_steps(page, "Hosting Pro", "Hosting: mail is slow")
    assert site_question.is_hidden()
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(re.compile(r"/support/SUP-\d+/$"))

    # A plugin with no site yet: the question shows, marked required, and asks for the address.
    page.goto(f"{live_server.url}/support/new/")
    fill_seed_steps(page, "Booking plugin", "Plugin: calendar empty")
    assert site_question.is_visible()
    assert page.locator("[data-site-question] legend .support-required").is_visible()
    assert page.locator("select[name=installation]").is_hidden()  # none of its own to offer
    page.get_by_label("Address of the site").fill("bookings.example.org")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(re.compile(r"/support/SUP-\d+/$"))

    tickets = {ticket.title: ticket for ticket in Ticket.objects.select_related("installation")}
    assert tickets["Theme: checkout error"].installation.domain == "ann.example"
    assert tickets["Hosting: mail is slow"].installation is None
    assert tickets["Plugin: calendar empty"].installation.domain == "example.org"
    assert Attachment.objects.count() == 3


def test_a_validation_error_keeps_the_chosen_file(live_server, page, ann):
    log_in(page, live_server, ann)
    page.goto(f"{live_server.url}/support/new/")
    fill_seed_steps(page, "Hosting Pro", "")
    page.get_by_role("button", name="Create").click()

    page.wait_for_selector("[data-error-summary]")
    kept = page.get_by_label(re.compile(r"^screen\.png"))
    assert kept.is_checked()
    page.get_by_role("textbox", name="Title").fill("Mail is slow")
    page.get_by_role("button", name="Create").click()

    page.wait_for_url(re.compile(r"/support/SUP-\d+/$"))
    assert Ticket.objects.get().messages.get().attachments.get().name == "screen.png"


#: Paste or drop one PNG on the new-ticket form.
ADD_FILE = (JS / "add_file.js").read_text()


def test_a_pasted_and_a_dropped_image_upload_with_thumbnails(live_server, page, ann):
    log_in(page, live_server, ann)
    page.goto(f"{live_server.url}/support/new/")
    page.get_by_label("Hosting Pro", exact=True).check()
    page.get_by_role("textbox", name="Title").fill("Two screenshots")
    page.get_by_role("textbox", name="Description").fill("See both.")
    image = base64.b64encode(png_bytes((40, 30))).decode()

    page.evaluate(ADD_FILE, ["pasted", image])
    page.evaluate(ADD_FILE, ["dropped", image])

    previews = page.locator("[data-previews] img.support-thumbnail")
    assert previews.count() == 2
    assert page.evaluate("document.querySelector('input[name=attachments]').files.length") == 2
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(re.compile(r"/support/SUP-\d+/$"))

    assert sorted(Attachment.objects.values_list("name", flat=True)) == ["dropped.png", "pasted.png"]
    thumbnails = page.locator(".support-conversation img.support-thumbnail")
    assert thumbnails.count() == 2
    page.wait_for_function(
        "[...document.querySelectorAll('.support-conversation img.support-thumbnail')]"
        ".every((img) => img.complete && img.naturalWidth > 0)"
    )


def test_an_oversized_file_is_refused_in_the_browser_before_upload(live_server, page, ann, settings):
    settings.WAGTAIL_SUPPORT = {"ATTACHMENT_MAX_BYTES": 2000}
    log_in(page, live_server, ann)
    page.goto(f"{live_server.url}/support/new/")
    uploads = []
    page.on("request", lambda request: uploads.append(request) if request.method == "POST" else None)

    assert page.get_by_text("Up to 5 files, 2.0").is_visible()  # stated beside the field
    page.set_input_files(
        "input[name=attachments]",
        files=[{"name": "huge.png", "mimeType": "image/png", "buffer": png_bytes() + b"\0" * 5000}],
    )

    assert page.get_by_role("alert").filter(has_text="“huge.png” is").is_visible()
    assert page.evaluate("document.querySelector('input[name=attachments]').files.length") == 0
    assert uploads == []


def customer_pages(live_server, ann):
    """Every customer page, with content that tends to overflow (long names, statuses, sites)."""
    entitlement = ann.support_entitlements.get(product__name="Aurora theme", granted_by__isnull=True)
    agent = UserFactory(username="sam", first_name="Sam", is_staff=True)
    ticket = services.open_ticket(
        ann,
        entitlement,
        "A rather long title about the checkout page that shows an error after payment",
        "See the *screenshot* and https://a-very-long-domain-name-for-testing.example.com/checkout/step/3/",
        files=[screenshot("a-very-long-file-name-of-a-screenshot-taken-today.png")],
        installation=entitlement.installations.get(),
    )
    services.reply(ticket, agent, "Which browser do you use?")
    TicketColleague.objects.create(
        ticket=ticket, user=UserFactory(email="colleague@example.com"), email="colleague@example.com"
    )
    closed = services.open_ticket(ann, entitlement, "Fonts", "Wrong font", installation=ticket.installation)
    services.reply(closed, agent, "Fixed.")
    services.close(closed, agent)
    services.open_ticket(ann, entitlement, "Awaiting", "Still waiting", installation=ticket.installation)
    url = live_server.url
    return [
        f"{url}/support/",
        f"{url}/support/?status=awaiting_staff",
        f"{url}/support/new/",
        f"{url}/support/{ticket.reference}/",
        f"{url}/support/{closed.reference}/",
        f"{url}/support/products/",
        f"{url}/support/profile/",
        f"{url}/support/profile/email/?token=not-valid",
        f"{url}/support/profile/email/?token={email_change_token(ann, 'ann@new.example')}",
    ]


def check_page(page, axe_violations, url):
    problems = page.evaluate(OVERFLOW)
    assert problems == [], f"{url} at 390 px:\n" + "\n".join(problems)
    assert_no_violations(axe_violations(page))


def test_every_customer_page_fits_a_phone_and_is_axe_clean(live_server, browser, ann, axe_violations):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    url = live_server.url

    for anonymous in (
        f"{url}/support-center/account/login/",
        f"{url}/support-center/account/password-reset/",
        f"{url}/support-center/account/password-reset/sent/",
        f"{url}/support-center/account/resend/",
        f"{url}/support-center/account/resend/sent/",
        f"{url}/support-center/account/password-reset/complete/",
        f"{url}{accounts.set_password_path(UserFactory(email='new@example.com'))}",
    ):
        page.goto(anonymous)
        check_page(page, axe_violations, anonymous)

    page.goto(f"{url}/support-center/account/login/")
    page.fill("input[name=username]", ann.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/support/$"))
    for address in customer_pages(live_server, ann):
        page.goto(address)
        check_page(page, axe_violations, address)

    page.goto(f"{url}/support/new/")  # with errors shown
    page.get_by_role("button", name="Create").click()
    page.wait_for_selector("[data-error-summary]")
    check_page(page, axe_violations, "New ticket with errors")

    other = UserFactory(username="nobody@example.com", email="nobody@example.com")
    other.set_password(PASSWORD)
    other.save()
    context.clear_cookies()
    page.goto(f"{url}/support-center/account/login/?next=/support/new/")
    page.fill("input[name=username]", other.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/support/new/$"))
    check_page(page, axe_violations, "New ticket without products")
    context.close()


def test_the_overflow_check_finds_clipped_text_and_sideways_scroll(browser):
    """The check above is not vacuous: a clipped status and a too-wide block are both reported."""
    page = browser.new_context(viewport=PHONE).new_page()
    page.set_content(
        "<main><span style='display:inline-block;width:80px;overflow:hidden;white-space:nowrap;"
        "text-overflow:ellipsis'>Awaiting the team</span><div style='width:600px'>wide</div></main>"
    )

    problems = page.evaluate(OVERFLOW)

    assert any("scrolls sideways" in problem for problem in problems)
    assert any("Awaiting the team" in problem and "cut off" in problem for problem in problems)
    assert any("wide" in problem and "sticks out" in problem for problem in problems)


def test_without_javascript_an_oversized_file_is_refused_by_the_server_with_a_clear_message(
    live_server, browser, ann, settings
):
    settings.WAGTAIL_SUPPORT = {"ATTACHMENT_MAX_BYTES": 2000}
    page = browser.new_context(java_script_enabled=False).new_page()
    log_in(page, live_server, ann)
    page.goto(f"{live_server.url}/support/new/")
    page.get_by_label("Hosting Pro", exact=True).check()
    page.get_by_role("textbox", name="Title").fill("Big log")
    page.get_by_role("textbox", name="Description").fill("Attached.")
    page.set_input_files(
        "input[name=attachments]",
        files=[{"name": "huge.png", "mimeType": "image/png", "buffer": png_bytes() + b"\0" * 5000}],
    )

    page.get_by_role("button", name="Create").click()

    summary = page.locator(".support-error-summary")
    assert "“huge.png” is" in summary.inner_text() and "files may be at most 2.0" in summary.inner_text()
    assert not Ticket.objects.exists()
