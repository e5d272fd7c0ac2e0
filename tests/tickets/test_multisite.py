"""Several Wagtail sites in one install: each ticket belongs to the site it was opened on, whose
support settings (team, targets, warnings, auto-close) apply and whose address and support page its
e-mails link to; help suggestions come from that site only (issue 12, "Many sites", done-when 5)."""

import importlib
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, Site

from example_site.home.models import ContentPage
from tests.factories import (
    EntitlementFactory,
    InstallationFactory,
    SupportedProductFactory,
    TicketFactory,
    UserFactory,
)
from wagtail_support.notifications.links import absolute_url, base_url_for_root
from wagtail_support.notifications.models import Notification
from wagtail_support.purchases.payload import PurchaseData, PurchaseLine
from wagtail_support.purchases.services import record_purchase
from wagtail_support.sitesettings import SupportSettings
from wagtail_support.tickets import services, workflow
from wagtail_support.tickets.models import Ticket, TicketStatus
from wagtail_support.tickets.pages import SupportPage

ACME = "acme.test"
BETA = "beta.test:8081"


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def sites(default_site, settings):
    """Acme (the default site, http://acme.test) with /support/, Beta (http://beta.test:8081) with
    /help/: each its own team, targets, warning time and auto-close limit, and one help page."""
    settings.ALLOWED_HOSTS = ["acme.test", "beta.test"]
    acme = default_site
    acme.hostname, acme.port = "acme.test", 80
    acme.save()
    beta_home = publish(Page.get_first_root_node(), Page(title="Beta home", slug="beta-home"))
    beta = Site.objects.create(hostname="beta.test", port=8081, root_page=beta_home, site_name="Beta")
    acme_support = publish(acme.root_page, SupportPage(title="Support", slug="support"))
    beta_support = publish(beta_home, SupportPage(title="Help", slug="help"))
    SupportSettings.objects.update_or_create(
        site=acme,
        defaults={
            "team_emails": "team@acme.test",
            "first_response_hours": 24,
            "breach_warning_hours": 2,
            "auto_close_days": 7,
        },
    )
    SupportSettings.objects.update_or_create(
        site=beta,
        defaults={
            "team_emails": "team@beta.test\nlead@beta.test",
            "first_response_hours": 8,
            "first_response_hours_theme": 4,
            "breach_warning_hours": 1,
            "auto_close_days": 2,
        },
    )
    publish(acme.root_page, ContentPage(title="Installing the Acme theme", slug="installing-acme"))
    publish(beta_home, ContentPage(title="Installing the Beta theme", slug="installing-beta"))
    return {"acme": (acme, acme_support), "beta": (beta, beta_support)}


@pytest.fixture
def customer(db):
    return UserFactory(username="ann", email="ann@example.com")


@pytest.fixture
def theme(customer):
    entitlement = EntitlementFactory(
        purchase__customer=customer, product=SupportedProductFactory(kind="theme")
    )
    InstallationFactory(entitlement=entitlement, domain="ann.example")
    return entitlement


def open_on(client, host, support_path, entitlement, title):
    response = client.post(
        f"{support_path}new/",
        {
            "product": entitlement.pk,
            "installation": entitlement.installations.get().pk,
            "title": title,
            "description": "It is broken.",
        },
        HTTP_HOST=host,
    )
    assert response.status_code == 302
    return Ticket.objects.get(title=title)


def mail_to(address):
    return [message for message in mail.outbox if address in message.to]


def links_in(message):
    return re.findall(r"https?://[^\s\"<>]+", message.body)


@pytest.mark.django_db(transaction=True)
def test_each_sites_team_gets_its_own_tickets_and_every_email_links_to_its_own_site(
    client, sites, customer, theme, settings
):
    settings.WAGTAILADMIN_BASE_URL = None  # no admin host: team links, too, go to the ticket's site
    client.force_login(customer)

    on_acme = open_on(client, ACME, "/support/", theme, "Acme menu broken")
    on_beta = open_on(client, BETA, "/help/", theme, "Beta header broken")

    assert (on_acme.site, on_beta.site) == (sites["acme"][0], sites["beta"][0])
    assert on_beta.support_page_id == sites["beta"][1].pk
    for address in ("team@beta.test", "lead@beta.test"):
        (message,) = mail_to(address)
        assert on_beta.reference in message.subject
        assert links_in(message) and all(
            link.startswith("http://beta.test:8081/admin/") for link in links_in(message)
        )
    (acme_team_mail,) = mail_to("team@acme.test")
    assert on_acme.reference in acme_team_mail.subject
    assert all(link.startswith("http://acme.test/admin/") for link in links_in(acme_team_mail))

    confirmations = {m.subject: m for m in mail_to("ann@example.com")}
    beta_confirmation = next(m for s, m in confirmations.items() if on_beta.reference in s)
    acme_confirmation = next(m for s, m in confirmations.items() if on_acme.reference in s)
    assert f"http://beta.test:8081/help/{on_beta.reference}/" in links_in(beta_confirmation)
    assert f"http://acme.test/support/{on_acme.reference}/" in links_in(acme_confirmation)

    mail.outbox.clear()
    agent = UserFactory(username="agent", is_staff=True)
    services.reply(on_beta, agent, "Fixed in 2.1.")
    (answer,) = mail_to("ann@example.com")
    assert f"http://beta.test:8081/help/{on_beta.reference}/" in links_in(answer)
    services.reply(Ticket.objects.get(pk=on_beta.pk), customer, "Thanks, it works.")
    assert {address for m in mail.outbox[1:] for address in m.to} == {"team@beta.test", "lead@beta.test"}


@pytest.mark.django_db(transaction=True)
def test_team_links_go_to_the_admin_host_and_customer_links_to_the_tickets_site(
    client, sites, customer, theme, settings
):
    settings.WAGTAILADMIN_BASE_URL = "https://admin.acme.test"
    client.force_login(customer)

    ticket = open_on(client, BETA, "/help/", theme, "Beta header broken")

    (team_mail,) = mail_to("team@beta.test")
    assert any(link.startswith("https://admin.acme.test/admin/") for link in links_in(team_mail))
    (confirmation,) = mail_to("ann@example.com")
    assert f"http://beta.test:8081/help/{ticket.reference}/" in links_in(confirmation)


@pytest.mark.django_db
def test_first_response_targets_come_from_the_tickets_site(sites, theme):
    acme_support, beta_support = sites["acme"][1], sites["beta"][1]
    plugin = EntitlementFactory(
        purchase__customer=theme.customer, product=SupportedProductFactory(kind="plugin")
    )

    on_acme = services.open_ticket(theme.customer, theme, "Acme", "Help", page=acme_support)
    on_beta = services.open_ticket(theme.customer, theme, "Beta", "Help", page=beta_support)
    plugin_on_beta = services.open_ticket(theme.customer, plugin, "Beta plugin", "Help", page=beta_support)

    def hours(ticket):
        return round((ticket.first_response_due_at - ticket.created_at) / timedelta(hours=1))

    assert (hours(on_acme), hours(on_beta), hours(plugin_on_beta)) == (24, 4, 8)


@pytest.mark.django_db
def test_tickets_opened_elsewhere_go_with_the_customers_latest_site_else_the_default(sites, theme):
    first = services.open_ticket(theme.customer, theme, "No page, no history", "Help")
    assert (first.site, first.support_page_id) == (sites["acme"][0], sites["acme"][1].pk)

    services.open_ticket(theme.customer, theme, "On Beta", "Help", page=sites["beta"][1])
    from_the_admin = services.open_ticket(theme.customer, theme, "From the admin", "Help")
    assert (from_the_admin.site, from_the_admin.support_page_id) == (sites["beta"][0], sites["beta"][1].pk)


def stale_ticket(site, days_idle, entitlement):
    ticket = TicketFactory(entitlement=entitlement, site=site, status=TicketStatus.AWAITING_CUSTOMER)
    Ticket.objects.filter(pk=ticket.pk).update(last_activity_at=timezone.now() - timedelta(days=days_idle))
    return ticket


def settings_queries(queries):
    return [q["sql"] for q in queries if "supportsettings" in q["sql"].lower()]


@pytest.mark.django_db
def test_auto_close_applies_each_sites_limit_with_one_settings_query(sites, theme):
    acme, beta = sites["acme"][0], sites["beta"][0]
    idle_3_on_acme = [stale_ticket(acme, 3, theme) for _ in range(3)]
    idle_3_on_beta = [stale_ticket(beta, 3, theme) for _ in range(3)]
    idle_8_on_acme = stale_ticket(acme, 8, theme)
    idle_8_without_site = stale_ticket(None, 8, theme)  # older tickets: the default site's limit

    with CaptureQueriesContext(connection) as queries:
        closed = workflow.auto_close_stale()

    assert closed == 5
    status = dict(Ticket.objects.values_list("pk", "status"))
    assert all(status[t.pk] == TicketStatus.AWAITING_CUSTOMER for t in idle_3_on_acme)
    assert all(
        status[t.pk] == TicketStatus.CLOSED for t in [*idle_3_on_beta, idle_8_on_acme, idle_8_without_site]
    )
    assert len(settings_queries(queries)) == 1
    notices = {
        n.context["reference"]: n.context for n in Notification.objects.filter(kind="ticket_auto_closed")
    }
    on_beta = notices[idle_3_on_beta[0].reference]
    assert on_beta["days"] == 2
    assert on_beta["ticket_url"] == f"http://beta.test:8081/help/{idle_3_on_beta[0].reference}/"
    assert notices[idle_8_on_acme.reference]["days"] == 7


@pytest.mark.django_db
def test_breach_reminders_go_to_each_sites_team_at_its_own_warning_time(sites, theme):
    acme, beta = sites["acme"][0], sites["beta"][0]
    now = timezone.now()

    def due_in(site, minutes):
        return TicketFactory(
            entitlement=theme, site=site, first_response_due_at=now + timedelta(minutes=minutes)
        )

    acme_in_90 = due_in(acme, 90)  # Acme warns 2 h ahead
    beta_in_90 = due_in(beta, 90)  # Beta warns 1 h ahead: not yet
    beta_in_30 = due_in(beta, 30)

    with CaptureQueriesContext(connection) as queries:
        reminded = workflow.remind_breaching()

    assert reminded == 2
    sent = set(
        Notification.objects.filter(kind="ticket_breach_warning").values_list("recipient", "dedupe_key")
    )
    assert sent == {
        ("team@acme.test", f"breach:{acme_in_90.pk}:team@acme.test"),
        ("team@beta.test", f"breach:{beta_in_30.pk}:team@beta.test"),
        ("lead@beta.test", f"breach:{beta_in_30.pk}:lead@beta.test"),
    }
    assert not Notification.objects.filter(dedupe_key__contains=f":{beta_in_90.pk}:").exists()
    assert len(settings_queries(queries)) == 1


@pytest.mark.django_db
def test_help_suggestions_come_from_the_current_site_only(client, sites, customer):
    client.force_login(customer)

    on_acme = client.get("/support/suggest/", {"q": "installing"}, HTTP_HOST=ACME).content.decode()
    on_beta = client.get("/help/suggest/", {"q": "installing"}, HTTP_HOST=BETA).content.decode()

    assert "Installing the Acme theme" in on_acme and "Beta" not in on_acme
    assert "Installing the Beta theme" in on_beta and "Acme" not in on_beta


@pytest.mark.django_db
def test_account_emails_link_to_the_default_site_and_set_up_lands_in_the_sites_support(
    client, sites, django_capture_on_commit_callbacks
):
    SupportedProductFactory(references=["AURORA"])
    data = PurchaseData(
        source="shop", external_id="1", email="bo@example.com", lines=(PurchaseLine("AURORA"),)
    )
    with django_capture_on_commit_callbacks(execute=True):
        record_purchase(data)

    (welcome,) = mail.outbox
    link = next(link for link in links_in(welcome) if "/set-password/" in link)
    assert link.startswith("http://acme.test/")  # a purchase names no site: the default one
    form = client.get(urlsplit(link).path, HTTP_HOST=BETA, follow=True)
    password = "a-long-Unusual-passphrase-42"  # noqa: S105 - a test value
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}, HTTP_HOST=BETA
    )
    assert response.status_code == 302
    assert response["Location"] in {"/help/", "http://beta.test:8081/help/"}
    assert absolute_url("/x/", site=sites["beta"][0]) == "http://beta.test:8081/x/"


@pytest.mark.parametrize(
    ("root_url", "base_url", "admin_base_url", "expected"),
    [
        # A real hostname: the site's own root URL, whatever else is configured.
        ("http://beta.test:8081", "https://acme.test", "https://admin.acme.test", "http://beta.test:8081"),
        # BASE_URL naming the site's own hostname gives the scheme and port (https behind a proxy).
        ("http://acme.test", "https://acme.test/", None, "https://acme.test"),
        ("http://acme.test", None, "https://acme.test", "https://acme.test"),
        # A site still called localhost (a fresh `wagtail start`): what the owner configured.
        (
            "http://localhost",
            "https://shop.example.com",
            "https://admin.example.com",
            "https://shop.example.com",
        ),
        ("http://localhost", None, "https://admin.example.com", "https://admin.example.com"),
        ("http://127.0.0.1:8101", None, None, "http://127.0.0.1:8101"),
        ("", None, "https://admin.example.com", "https://admin.example.com"),
    ],
)
def test_link_rule(settings, root_url, base_url, admin_base_url, expected):
    settings.WAGTAIL_SUPPORT = {"BASE_URL": base_url}
    settings.WAGTAILADMIN_BASE_URL = admin_base_url
    assert base_url_for_root(root_url) == expected


@pytest.mark.django_db
def test_migration_gives_older_tickets_the_default_site_and_its_support_page(sites, theme):
    ticket = TicketFactory(entitlement=theme)
    assert ticket.site_id is None
    migration = importlib.import_module("wagtail_support.migrations.0011_ticket_site")

    migration.tickets_to_the_default_site(django_apps, None)

    ticket.refresh_from_db()
    assert (ticket.site, ticket.support_page_id) == (sites["acme"][0], sites["acme"][1].pk)
