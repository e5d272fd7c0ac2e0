"""Issue 12, done-when 6: a customer's whole journey on the second host site (made with `wagtail start`,
Wagtail's own base.html, no CSS framework), in headless Chromium, with axe-core on every customer page.

purchase (signed partner webhook) → welcome e-mail → set-password link → set password → log in →
Support → New (with a PNG) → Create → team e-mail → the agent replies in the Wagtail admin →
the customer sees the reply and gets the e-mail. Screenshots go to var/install/screens/.
"""

import hashlib
import hmac
import io
import json
import re
import time
import urllib.request

import pytest
from PIL import Image

from tests.install.host_site import (
    ADMIN_PASSWORD,
    ADMIN_USER,
    PARTNER,
    PARTNER_SECRET,
    PRODUCT_NAME,
    PRODUCT_REF,
    TEAM_EMAIL,
    WORK,
    links,
    plain_text,
)

pytestmark = [pytest.mark.install, pytest.mark.browser]

CUSTOMER = "ann@example.com"
PASSWORD = "a-long-customer-password-42"
REPLY = "Please clear the cache, then try again."


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def assert_no_violations(violations):
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[node['target'] for node in v['nodes']]}"
        for v in violations
    )


def post_purchase(site):
    body = json.dumps(
        {
            "external_id": "1042",
            "email": CUSTOMER,
            "name": "Ann Smith",
            "status": "paid",
            "lines": [{"product_ref": PRODUCT_REF, "title": PRODUCT_NAME, "quantity": 1}],
        }
    ).encode()
    timestamp = str(int(time.time()))
    v1 = hmac.new(PARTNER_SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        f"{site.url}/support-center/webhooks/partners/{PARTNER}/",
        data=body,
        headers={"Content-Type": "application/json", "X-Support-Signature": f"t={timestamp},v1={v1}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


class Shots:
    def __init__(self):
        self.dir = WORK / "screens"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def __call__(self, page, name):
        self.count += 1
        page.screenshot(path=str(self.dir / f"{self.count:02d}-{name}.png"), full_page=True)


def test_a_customer_buys_sets_a_password_opens_a_ticket_and_reads_the_agents_reply(
    host_site, browser, axe_violations
):
    shot = Shots()
    checked = []

    def axe(page, name):
        shot(page, name)
        assert_no_violations(axe_violations(page))
        checked.append(name)

    # The shop reports the purchase; the buyer gets the welcome e-mail with a set-password link.
    assert post_purchase(host_site)["created"] is True
    welcome = host_site.wait_for_mail(CUSTOMER, "/support-center/account/set-password/")
    (set_password_link,) = [
        link for link in links(plain_text(welcome), host_site.url) if "set-password" in link
    ]

    customer = browser.new_context().new_page()
    customer.set_default_timeout(15_000)
    customer.goto(set_password_link)
    axe(customer, "set-password")
    customer.fill("input[name=new_password1]", PASSWORD)
    customer.fill("input[name=new_password2]", PASSWORD)
    customer.locator("form button[type=submit]").last.click()
    customer.wait_for_url(f"{host_site.url}/support/")
    customer.context.close()

    # Another day, another browser: Support → the app's log-in page → back to Support.
    customer = browser.new_context().new_page()
    customer.set_default_timeout(15_000)
    customer.goto(f"{host_site.url}/support/")
    customer.wait_for_url(re.compile(r"/support-center/account/login/\?next=/support/$"))
    axe(customer, "login")
    customer.fill("input[name=username]", CUSTOMER)
    customer.fill("input[name=password]", PASSWORD)
    customer.locator("form button[type=submit]").last.click()
    customer.wait_for_url(f"{host_site.url}/support/")
    axe(customer, "support")

    customer.get_by_role("link", name="New ticket").first.click()
    customer.wait_for_url(f"{host_site.url}/support/new/")
    axe(customer, "new")
    customer.get_by_label(PRODUCT_NAME).check()
    customer.get_by_label("Address of the site").fill("ann.example")
    customer.get_by_role("textbox", name="Title").fill("Checkout shows an error")
    customer.get_by_role("textbox", name="Description").fill("When I pay I see **Error 500**.")
    customer.set_input_files(
        "input[name=attachments]",
        files=[{"name": "screen.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    customer.get_by_role("button", name="Create").click()
    customer.wait_for_url(re.compile(r"/support/SUP-\d+/$"))
    reference = customer.url.rstrip("/").rsplit("/", 1)[1]
    assert customer.get_by_role("link", name="screen.png").count() == 1
    axe(customer, "ticket")

    team_mail = host_site.wait_for_mail(TEAM_EMAIL, "When I pay I see **Error 500**.")
    assert reference in team_mail["Subject"]

    # The agent answers from the Wagtail admin's ticket screen.
    agent = browser.new_context().new_page()
    agent.set_default_timeout(15_000)
    agent.goto(f"{host_site.url}/admin/login/?next=/admin/support/tickets/")
    agent.fill("input[name=username]", ADMIN_USER)
    agent.fill("input[name=password]", ADMIN_PASSWORD)
    agent.locator("form button[type=submit]").first.click()
    agent.wait_for_url(f"{host_site.url}/admin/support/tickets/")
    agent.get_by_role("link", name=reference).first.click()
    agent.wait_for_url(re.compile(r"/admin/support/tickets/\d+/$"))
    agent.fill("textarea[name=body]", REPLY)
    agent.get_by_role("button", name="Send and wait for the customer").click()
    agent.wait_for_load_state()
    shot(agent, "agent-replied")
    agent.context.close()

    answer = host_site.wait_for_mail(CUSTOMER, REPLY)
    assert f"{host_site.url}/support/{reference}/" in plain_text(answer)
    customer.reload()
    assert customer.get_by_text(REPLY).is_visible()
    axe(customer, "ticket-with-reply")

    customer.goto(f"{host_site.url}/what-support-covers/")
    axe(customer, "policy")
    assert checked == ["set-password", "login", "support", "new", "ticket", "ticket-with-reply", "policy"]
