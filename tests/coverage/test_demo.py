"""The example site's demo content: idempotent, with a published policy, its page and the guide's block."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from wagtail.models import Locale

from wagtail_support.models import CoveragePolicy, CoveragePolicyPage, SupportedProduct, SupportSettings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """Wagtail caches site root paths; a cache left by an earlier test points at pages rolled back."""
    cache.clear()


def test_support_demo_twice_creates_everything_once(client):
    call_command("support_demo", admin_password="demo-password", stdout=StringIO())
    call_command("support_demo", admin_password="demo-password", stdout=StringIO())

    default = Locale.get_default()
    assert CoveragePolicy.objects.filter(locale=default).count() == 1
    policy = CoveragePolicy.objects.get(locale=default)
    assert [p.locale.language_code for p in policy.get_translations()] == ["es"]  # the demo's Spanish
    assert policy.live
    assert policy.covered_items.count() >= 3
    assert policy.excluded_items.count() >= 6
    assert policy.revisions.count() == 1
    assert CoveragePolicyPage.objects.filter(locale=default).count() == 1
    assert SupportedProduct.objects.count() == 3
    assert SupportSettings.objects.get().default_coverage_policy == policy

    for path in ["/", "/how-to-get-support/", "/support-policy/"]:
        assert client.get(path).status_code == 200, path
    guide = client.get("/how-to-get-support/").text
    assert "Server and hosting configuration" in guide
    assert "Support covers 1 installation per theme purchase." in guide
    policy_page = client.get("/support-policy/").text
    assert "Translations" in policy_page
    assert 'href="/support-policy/"' in policy_page
