"""Customer pages in any host site: only the blocks of Wagtail's project template, the app's own CSS
and JavaScript, no template pack, messages shown by the pages, and every form working without JavaScript."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import wagtail
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

import wagtail_support
from tests.factories import (
    CoveragePolicyFactory,
    EntitlementFactory,
    InstallationFactory,
    MessageFactory,
    SupportedProductFactory,
    TicketFactory,
    UserFactory,
    publish_support_page,
)
from wagtail_support.models import CoveragePolicyPage, Message, TicketStatus
from wagtail_support.purchases import accounts

pytestmark = pytest.mark.django_db

HOST_TEMPLATES = Path(__file__).resolve().parents[1] / "host_templates"
TEMPLATES_DIR = Path(wagtail_support.__file__).parent / "templates" / "wagtail_support"
WAGTAIL_BASE = Path(wagtail.__file__).parent / "project_template" / "project_name" / "templates" / "base.html"
WAGTAIL_BLOCKS = {"title", "extra_css", "content", "extra_js"}
CUSTOMER_TEMPLATES = [
    TEMPLATES_DIR / "layout.html",
    *sorted((TEMPLATES_DIR / "support").glob("*.html")),
    *sorted((TEMPLATES_DIR / "account").glob("*.html")),
    *sorted((TEMPLATES_DIR / "coverage").glob("*.html")),
    *sorted((TEMPLATES_DIR / "forms").glob("*.html")),
]


def host_site(**support_settings):
    """Settings of a `wagtail start` site: its base.html first, no crispy template pack."""
    engine = {**settings.TEMPLATES[0], "DIRS": [HOST_TEMPLATES, *settings.TEMPLATES[0]["DIRS"]]}
    return override_settings(
        TEMPLATES=[engine],
        WAGTAIL_SUPPORT={**settings.WAGTAIL_SUPPORT, **support_settings},
        LOGOUT_REDIRECT_URL=None,
    )


@pytest.fixture
def without_crispy_pack():
    with override_settings():
        del settings.CRISPY_TEMPLATE_PACK
        del settings.CRISPY_ALLOWED_TEMPLATE_PACKS
        yield


@pytest.fixture
def customer_pages(client):
    """Every customer page, by name: URL. The customer is logged in."""
    support = publish_support_page()
    home = Site.objects.get(is_default_site=True).root_page
    policy_page = home.add_child(
        instance=CoveragePolicyPage(title="Support policy", slug="policy", policy=CoveragePolicyFactory())
    )
    policy_page.save_revision().publish()
    ann = UserFactory(username="ann", email="ann@example.com")
    theme = SupportedProductFactory(name="Aurora theme")
    entitlement = EntitlementFactory(purchase__customer=ann, product=theme)
    InstallationFactory(entitlement=entitlement, domain="ann.example")
    open_ticket = TicketFactory(entitlement=entitlement)
    MessageFactory(ticket=open_ticket)
    closed = TicketFactory(entitlement=entitlement, status=TicketStatus.CLOSED, closed_at=timezone.now())
    MessageFactory(ticket=closed)
    bob = UserFactory(username="bob", email="bob@example.com")
    EntitlementFactory(purchase__customer=bob, support_until=timezone.now().date() - timedelta(days=1))
    pending, _ = accounts.customer_for("new@example.com")
    client.force_login(ann)
    return {
        "my tickets": support.url,
        "new ticket": f"{support.url}new/",
        "ticket": f"{support.url}{open_ticket.reference}/",
        "closed ticket": f"{support.url}{closed.reference}/",
        "my products": f"{support.url}products/",
        "coverage policy": policy_page.url,
        "log in": reverse("wagtail_support:login"),
        "password reset": reverse("wagtail_support:password_reset"),
        "password reset sent": reverse("wagtail_support:password_reset_done"),
        "password reset complete": reverse("wagtail_support:password_reset_complete"),
        "resend": reverse("wagtail_support:resend_setup"),
        "resend sent": reverse("wagtail_support:resend_setup_done"),
        "set password": accounts.set_password_path(pending),
        "expired link": reverse("wagtail_support:set_password", args=["MQ", "expired-token"]),
        "no products (bob)": (bob, f"{support.url}new/"),
    }


def get(client, url):
    if isinstance(url, tuple):
        user, url = url
        client.force_login(user)
    return client.get(url, follow=True)


def assert_fits_host(response, marker):
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    assert html.body["data-host-base"] == marker
    stylesheets = [link["href"] for link in html.head.find_all("link", rel="stylesheet")]
    scripts = [script["src"] for script in html.body.find_all("script", src=True)]
    assert "/static/wagtail_support/support.css" in stylesheets
    assert "/static/wagtail_support/support.js" in scripts
    assert html.title.get_text(strip=True)
    return html


def test_every_customer_page_renders_in_wagtails_base_template_without_crispy(
    client, customer_pages, without_crispy_pack
):
    with host_site():
        for name, url in customer_pages.items():
            response = get(client, url)
            html = assert_fits_host(response, "wagtail")
            assert html.select_one(".wagtail-support h1"), name


def test_base_template_is_the_owners_choice(client, customer_pages):
    with host_site(BASE_TEMPLATE="other/site_base.html"):
        for url in customer_pages.values():
            assert_fits_host(get(client, url), "other")


def test_customer_templates_fill_only_the_blocks_of_wagtails_base_template():
    wagtail_blocks = set(re.findall(r"block (\w+)", WAGTAIL_BASE.read_text()))
    assert WAGTAIL_BLOCKS <= wagtail_blocks
    own = {"support_title", "support_main", "support_content"}
    for template in CUSTOMER_TEMPLATES:
        used = set(re.findall(r"{%\s*block (\w+)", template.read_text()))
        assert used <= WAGTAIL_BLOCKS | own, f"{template.name}: {sorted(used - WAGTAIL_BLOCKS - own)}"
        assert "extra_head" not in template.read_text()


def test_no_template_or_module_of_the_app_needs_crispy_forms():
    package = Path(wagtail_support.__file__).parent
    users = [
        path
        for path in package.rglob("*")
        if path.suffix in (".html", ".py", ".txt") and "crispy" in path.read_text(errors="ignore")
    ]
    assert users == []


def test_fields_are_labelled_described_and_marked_invalid(client, customer_pages):
    with host_site():
        response = client.post(customer_pages["new ticket"], {"title": "", "description": ""})

    html = BeautifulSoup(response.content, "html.parser")
    title = html.select_one("#id_title")
    assert html.select_one('label[for="id_title"]').get_text(strip=True).startswith("Title")
    assert title["aria-invalid"] == "true"
    assert "is-invalid" in title["class"] and "form-control" in title["class"]
    assert set(title["aria-describedby"].split()) == {"id_title_helptext", "id_title_errors"}
    assert html.select_one("#id_title_errors").get_text(strip=True)
    assert html.select_one("#id_title_helptext").get_text(strip=True)
    assert title.has_attr("required")


def test_messages_show_once_inside_the_page(client, customer_pages):
    with host_site():
        response = client.post(reverse("wagtail_support:logout"), follow=True)

    html = BeautifulSoup(response.content, "html.parser")
    status = html.select_one(".wagtail-support [role=status]")
    assert status and "You are logged out." in status.get_text()
    assert response.content.decode().count("You are logged out.") == 1


def test_messages_show_once_in_the_example_site_too(client, customer_pages):
    with override_settings(LOGOUT_REDIRECT_URL=None):
        response = client.post(reverse("wagtail_support:logout"), follow=True)

    assert response.content.decode().count("You are logged out.") == 1


# Without JavaScript


def test_every_customer_form_posts_with_a_visible_submit_button(client, customer_pages):
    for name, url in customer_pages.items():
        html = BeautifulSoup(get(client, url).content, "html.parser")
        for form in html.select(".wagtail-support form"):
            buttons = form.select("button[type=submit], input[type=submit]")
            assert buttons and not any(button.has_attr("hidden") for button in buttons), name


def test_reply_preview_works_as_a_plain_form_post(client, customer_pages):
    ticket_url = customer_pages["ticket"]
    html = BeautifulSoup(client.get(ticket_url).content, "html.parser")
    preview_button = html.select_one("[data-preview-button]")
    assert preview_button["type"] == "submit"
    messages_before = Message.objects.count()

    response = client.post(preview_button["formaction"], {"body": "**bold** <script>x</script>"})

    html = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert html.select_one("#reply-preview .support-message-body strong").get_text() == "bold"
    assert not html.select_one("#reply-preview script")
    assert "**bold**" in html.select_one("#id_body").get_text()
    assert Message.objects.count() == messages_before
    assert client.get(preview_button["formaction"]).status_code == 405
