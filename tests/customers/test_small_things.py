"""Issue 17, the small things: the log-in page asks for the e-mail and offers a reset, the guide names the
buttons the pages show, and the example site's 404 and 500 pages are friendly."""

from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests.tickets.test_support_views import soup, support_page  # noqa: F401

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_login_page_asks_for_the_email_and_offers_a_reset(client):
    page = soup(client.get(reverse("wagtail_support:login")))

    assert page.select_one("label[for=id_username]").get_text(strip=True).startswith("E-mail address")
    reset = page.find("a", string="Forgot your password?")
    assert reset["href"] == reverse("wagtail_support:password_reset")


def test_the_guides_name_the_buttons_the_pages_show(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("ann", "ann@example.com"))
    page = soup(client.get("/support/"))
    tabs = [link.get_text(strip=True) for link in page.select(".support-tabs a")]

    assert tabs == ["My tickets", "New ticket", "My products", "Profile"]
    # Log out is in the section itself, so a host whose menu has none (wagtail start's) still offers it.
    logout = page.select_one(".support-tabs form[method=post] button[type=submit]")
    assert logout.get_text(strip=True) == "Log out"
    assert logout.find_parent("form")["action"] == reverse("wagtail_support:logout")
    assert logout.find_parent("form").select_one("input[name=csrfmiddlewaretoken]")
    for guide in ("customers.md", "support-section.md"):
        text = (DOCS / guide).read_text()
        assert "Press **New**." not in text and "**New ticket**" in text, guide
        assert "**Create**" in text


def test_the_example_sites_404_page_is_friendly(client, settings):
    settings.DEBUG = False

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = soup(response)
    assert page.h1.get_text() == "Page not found"
    assert page.select_one("a[href='/support/']") and page.select_one("a[href='/']")


def test_the_example_sites_500_page_stands_alone_and_is_friendly():
    html = render_to_string("500.html")  # no context, no request: it must render whatever failed

    assert "Something went wrong on our side" in html and 'href="/support/"' in html
    assert '<meta name="viewport"' in html


def test_the_demo_sites_guide_names_the_buttons_the_pages_show():
    from example_site.home import demo_content, demo_content_es

    english = str(demo_content.__dict__)
    spanish = str(demo_content_es.__dict__)

    assert "<b>New ticket</b>" in english and "<b>New</b>" not in english
    assert "<b>Nuevo ticket</b>" in spanish and "<b>Nueva</b>" not in spanish
    assert "<b>Create</b>" in english and "<b>Crear</b>" in spanish
