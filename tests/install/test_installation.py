"""Issue 12, done-when 2 and 3: the wheel, installed in a new virtualenv into a site made with
`wagtail start` by exactly the steps of docs/installation.md (the files of docs/snippets/), checks,
migrates and serves the admin, the support page, the log-in page and the policy page.

Run with `make install-test`; the site is built once per run by the ``host_site`` fixture (conftest.py).
"""

import http.cookiejar
import re
import tarfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile

import pytest

from tests.install.host_site import ADMIN_PASSWORD, ADMIN_URLS, ADMIN_USER, PROJECT, shell_lines

pytestmark = pytest.mark.install

NEEDED_APPS = ["wagtail.contrib.routable_page", "wagtail.contrib.settings"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A tiny HTTP client with cookies, for the running site (no redirects followed)."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(
            self.base_url + path, data=body, headers={"Referer": self.base_url + path}
        )
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        return response.status, response.headers, response.read().decode("utf-8", "replace")

    def get(self, path):
        return self.request(path)

    def post(self, path, data):
        return self.request(path, data)

    def admin_log_in(self):
        status, _headers, html = self.get("/admin/login/")
        assert status == 200, html[-2000:]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        status, headers, html = self.post(
            "/admin/login/",
            {"csrfmiddlewaretoken": token, "username": ADMIN_USER, "password": ADMIN_PASSWORD},
        )
        assert status == 302, f"admin log-in failed ({status}): {html[-2000:]}"


def test_the_distributions_pass_twine_check_and_hold_what_they_should(host_site):
    assert host_site.results["twine check"].returncode == 0
    wheel = zipfile.ZipFile(host_site.wheel).namelist()
    for needed in (
        "wagtail_support/templates/wagtail_support/support/index.html",
        "wagtail_support/static/wagtail_support/support.css",
        "wagtail_support/static/wagtail_support/support.js",
        "wagtail_support/migrations/0001_initial.py",
        "wagtail_support/locale/es/LC_MESSAGES/django.mo",
        "wagtail_support/locale/es/LC_MESSAGES/djangojs.mo",
    ):
        assert needed in wheel
    with tarfile.open(host_site.sdist) as sdist:
        names = [name.split("/", 1)[1] for name in sdist.getnames() if "/" in name]
    assert "wagtail_support/apps.py" in names
    assert not [name for name in names if name.startswith(("tests/", "example_site/", "bench/"))]


def test_check_names_every_app_that_is_missing(host_site):
    result = host_site.results["check with only wagtail_support"]
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    # One check message per problem: "?: (wagtail_support.E…) …" with its HINT lines.
    messages = re.split(r"\n(?=\S[^\n]*?: \([\w.]+\) )", output)
    for app in NEEDED_APPS:
        naming = [message for message in messages if f'Add "{app}" to INSTALLED_APPS' in message]
        assert len(naming) == 1, output


def test_the_documented_steps_run_cleanly(host_site):
    """docs/snippets/setup.sh: check, migrate and support_setup, each exiting 0 (the fixture fails
    otherwise); support_setup says what is left to do."""
    commands = [" ".join(args) for args in shell_lines("setup.sh")]
    assert commands[-1].startswith("python manage.py support_setup")
    setup = host_site.results[f"documented setup:{len(commands)}"]
    assert "left to do" in setup.stdout.lower(), setup.stdout
    check = host_site.results["documented setup:1"]
    assert "System check identified no issues" in check.stdout, check.stdout + check.stderr


def test_the_celery_app_uses_the_broker_from_the_settings(host_site):
    """The documented celery.py fits the `wagtail start` layout: a worker reads mysite.settings.dev,
    so it talks to CELERY_BROKER_URL, not to Celery's default AMQP broker."""
    result = host_site.run(
        "celery broker",
        [host_site.python, "-c", f"from {PROJECT} import celery_app; print(celery_app.conf.broker_url)"],
        CELERY_BROKER_URL="redis://127.0.0.1:6379/13",
    )
    assert result.stdout.strip() == "redis://127.0.0.1:6379/13"


def test_the_production_settings_load(host_site):
    """The snippet appended to production.py runs (what it names exists after `from .base import *`)."""
    result = host_site.run(
        "production settings",
        [
            host_site.python,
            "-c",
            f"import {PROJECT}.settings.production as s; print(s.CACHES['default']['BACKEND'])",
        ],
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"


def test_the_test_email_arrives(host_site):
    (args,) = shell_lines("test_email.sh")
    host_site.run("test e-mail", [host_site.python, *args[1:]])
    host_site.wait_for_mail("you@example.com")


# Admin URLs without arguments that are actions, not pages: what a GET answers.
NOT_PAGES = {
    "/admin/support/tickets/next/": 302,  # opens the agent's next ticket
    "/admin/support/tickets/views/save/": 405,  # saving a view of the queue is a POST
}


def test_every_admin_page_answers_after_log_in(host_site):
    client = Client(host_site.url)
    client.admin_log_in()
    for path in (
        "/admin/",
        "/admin/support/tickets/",
        "/admin/settings/wagtail_support/supportsettings/",
    ):
        status, _headers, html = client.get(path)
        assert status in (200, 302), f"{path}: {status}"
    status, _headers, _html = client.get("/admin/")
    assert status == 200
    output = host_site.manage("shell", "-c", ADMIN_URLS, step="admin urls").stdout
    urls = [line for line in output.split() if line.startswith("/admin/")]
    support_urls = [url for url in urls if "support" in url]
    assert support_urls, urls
    answers = {url: client.get(url)[0] for url in urls}
    assert not [url for url, status in answers.items() if status >= 500], host_site.server_output()[-5000:]
    menu_pages = [
        url
        for url in support_urls
        if url.startswith(("/admin/support/", "/admin/snippets/wagtail_support/")) and "preview" not in url
    ]
    not_ok = {
        url: status
        for url, status in answers.items()
        if url in menu_pages and status != NOT_PAGES.get(url, 200)
    }
    assert not not_ok, not_ok


def test_the_support_page_sends_visitors_to_the_apps_log_in_page(host_site):
    client = Client(host_site.url)
    status, headers, _html = client.get("/support/")
    assert status == 302
    login = headers["Location"]
    assert urllib.parse.urlsplit(login).path == "/support-center/account/login/"
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(login).query)["next"] == ["/support/"]
    status, _headers, html = client.get(urllib.parse.urlsplit(login).path + "?next=/support/")
    assert status == 200
    assert 'name="password"' in html
    assert "wagtail_support/support.css" in html


def test_the_policy_page_answers(host_site):
    status, _headers, html = Client(host_site.url).get("/what-support-covers/")
    assert status == 200, html[-2000:]


# A ticket with a colleague of the customer and a canned response with placeholders, made in the host site.
AGENT_DAY_DATA = """
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail_support.models import Entitlement, Purchase, SupportedProduct
from wagtail_support.staff.models import CannedResponse
from wagtail_support.tickets import services
from wagtail_support.tickets.models import TicketColleague

User = get_user_model()
customer = User.objects.create_user("dana-day", "dana-day@example.com", first_name="Dana")
colleague = User.objects.create_user("sam-day", "sam-day@example.com")
product = SupportedProduct.objects.create(name="Day theme", kind="theme")
purchase = Purchase.objects.create(
    source="install-test", external_id="day-1", email=customer.email, customer=customer,
    purchased_at=timezone.now(),
)
entitlement = Entitlement.objects.create(
    purchase=purchase, customer=customer, product=product,
    support_until=(timezone.now() + timezone.timedelta(days=30)).date(),
)
ticket = services.open_ticket(customer, entitlement, "Header broken", "The header is broken.")
TicketColleague.objects.create(ticket=ticket, email=colleague.email, user=colleague, added_by=customer)
canned = CannedResponse.objects.create(title="Day hello", body="Hi {first_name}, {product} is covered.")
print(ticket.pk, canned.pk)
"""


def test_the_agent_day_pages_answer(host_site):
    """Issue 16: a macro inserted on a ticket with a colleague, and the agent's profile, answer 200."""
    output = host_site.manage("shell", "-c", AGENT_DAY_DATA, step="agent day data").stdout.split()
    ticket, canned = output[-2], output[-1]
    client = Client(host_site.url)
    client.admin_log_in()
    screen = f"/admin/support/tickets/{ticket}/"
    status, _headers, html = client.get(screen)
    assert status == 200, host_site.server_output()[-5000:]
    assert "sam-day@example.com" in html and "Hi Dana, Day theme is covered." in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    status, _headers, html = client.post(
        screen, {"csrfmiddlewaretoken": token, "action": "insert", "canned": canned, "body": ""}
    )
    assert status == 200, host_site.server_output()[-5000:]
    assert "Hi Dana, Day theme is covered." in html
    status, _headers, html = client.get("/admin/account/")
    assert status == 200 and "Name shown to customers" in html, host_site.server_output()[-5000:]
