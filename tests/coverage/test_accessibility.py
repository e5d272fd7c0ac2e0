"""Point 5: public pages show the policy with semantic headings and lists, and axe-core finds no
WCAG 2.2 AA violation on the policy page and the guide page in headless Chromium."""

from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(autouse=True)
def fresh_cache():
    """Wagtail caches site root paths; a cache left by an earlier test points at pages rolled back."""
    cache.clear()


def load_demo():
    call_command("support_demo", admin_password="demo-password", stdout=StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/support-policy/", "/how-to-get-support/"])
def test_policy_is_rendered_with_semantic_headings_and_lists(client, path):
    load_demo()

    soup = BeautifulSoup(client.get(path).text, "html.parser")

    section = soup.select_one("main section.coverage-policy")
    assert soup.select("main h1")
    assert section.find("h2").get_text(strip=True) == "Professional support: what is included"
    headings = [h3.get_text(strip=True) for h3 in section.find_all("h3")]
    assert headings[:2] == ["What support covers", "What support does not cover"]
    covered, excluded = (heading.find_next_sibling("ul") for heading in section.find_all("h3")[:2])
    assert "Error messages" in [li.strong.get_text() for li in covered.find_all("li", recursive=False)]
    assert "Translations" in [li.strong.get_text() for li in excluded.find_all("li", recursive=False)]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("path", ["/support-policy/", "/how-to-get-support/"])
def test_policy_pages_have_no_wcag_violations(live_server, page, axe_violations, path):
    load_demo()

    response = page.goto(live_server.url + path)

    assert response.status == 200
    assert page.locator("section.coverage-policy h2").count() == 1
    violations = axe_violations(page)
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[node['target'] for node in v['nodes']]}"
        for v in violations
    )
