"""Point 3: the block and the template tag render the published policy; a product's policy wins."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from wagtail.models import Site

from tests.factories import CoveragePolicyFactory, SupportedProductFactory
from wagtail_support.coverage.blocks import CoveragePolicyBlock
from wagtail_support.coverage.services import policy_for, products_covered_by
from wagtail_support.sitesettings import SupportSettings, validate_email_lines

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """Wagtail caches site root paths; a cache left by an earlier test points at pages rolled back."""
    cache.clear()


@pytest.fixture
def site():
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def default_policy(site):
    policy = CoveragePolicyFactory(title="Site default", covered=["Bugs"], excluded=["Hosting set-up"])
    SupportSettings.objects.create(site=site, default_coverage_policy=policy)
    return policy


@pytest.fixture
def request_for_site(site):
    request = RequestFactory().get("/", HTTP_HOST=site.hostname, SERVER_PORT=site.port)
    return request


def render_tag(request, **context):
    template = Template("{% load wagtail_support_coverage %}{% coverage_policy product=product %}")
    return template.render(Context({"request": request, "product": None, **context}))


def render_block(request, policy=None):
    block = CoveragePolicyBlock()
    value = block.to_python({"policy": policy.pk if policy else None})
    return block.render(value, context={"request": request})


def test_product_policy_wins_over_site_default(default_policy):
    own = CoveragePolicyFactory(title="Hosting policy")
    product = SupportedProductFactory(coverage_policy=own)

    assert policy_for(product=product) == own
    assert policy_for(product=SupportedProductFactory()) == default_policy


def test_unpublished_product_policy_falls_back_to_site_default(default_policy):
    draft = CoveragePolicyFactory(title="Draft policy", publish=False)
    product = SupportedProductFactory(coverage_policy=draft)

    assert policy_for(product=product) == default_policy


def test_no_policy_when_nothing_is_published(site):
    assert policy_for() is None
    assert products_covered_by(None) == []


def test_tag_renders_product_policy_and_product_rules(default_policy, request_for_site):
    own = CoveragePolicyFactory(title="Theme policy", covered=["Theme bugs"], excluded=["Custom CSS"])
    product = SupportedProductFactory(name="Aurora", coverage_policy=own, installations_per_unit=1)

    html = render_tag(request_for_site, product=product)

    assert "Theme policy" in html
    assert "Custom CSS" in html
    assert "Site default" not in html
    assert "Support covers 1 installation per theme purchase." in html
    assert "Support lasts 1 year from the purchase date." in html


def test_tag_without_product_renders_site_default(default_policy, request_for_site):
    html = render_tag(request_for_site)

    assert "Site default" in html
    assert "Hosting set-up" in html


def test_tag_shows_published_version_not_draft(default_policy, request_for_site):
    default_policy.title = "Unpublished new title"
    default_policy.save_revision()

    html = render_tag(request_for_site)

    assert "Site default" in html
    assert "Unpublished new title" not in html


def test_block_renders_chosen_published_policy(default_policy, request_for_site):
    chosen = CoveragePolicyFactory(title="Plugin policy", covered=["Plugin errors"])

    html = render_block(request_for_site, chosen)

    assert "Plugin policy" in html
    assert "Plugin errors" in html


def test_empty_block_renders_site_default(default_policy, request_for_site):
    html = render_block(request_for_site)

    assert "Site default" in html


def test_block_passes_over_unpublished_choice(default_policy, request_for_site):
    draft = CoveragePolicyFactory(title="Not yet published", publish=False)

    html = render_block(request_for_site, draft)

    assert "Not yet published" not in html
    assert "Site default" in html


def test_policy_lists_the_rules_of_products_it_applies_to(default_policy, request_for_site):
    SupportedProductFactory(name="Aurora theme")
    SupportedProductFactory(name="Plugin with its own policy", coverage_policy=CoveragePolicyFactory())
    SupportedProductFactory(name="Retired theme", active=False)

    html = render_block(request_for_site)

    assert "Aurora theme" in html
    assert "Plugin with its own policy" not in html
    assert "Retired theme" not in html


@pytest.mark.parametrize(
    ("days", "installations", "claims", "expected"),
    [
        (
            365,
            1,
            0,
            [
                "Support lasts 1 year from the purchase date.",
                "Support covers 1 installation per theme purchase.",
            ],
        ),
        (
            180,
            0,
            0,
            [
                "Support lasts 6 months from the purchase date.",
                "Support covers any number of installations of this theme.",
            ],
        ),
        (
            730,
            2,
            1,
            [
                "Support lasts 2 years from the purchase date.",
                "Support covers 2 installations per theme purchase.",
                "Includes 1 premium theme of your choice, with its own support.",
            ],
        ),
        (
            10,
            1,
            0,
            [
                "Support lasts 10 days from the purchase date.",
                "Support covers 1 installation per theme purchase.",
            ],
        ),
        (0, 1, 0, ["This product does not include support."]),
    ],
)
def test_product_rules_are_rendered_from_product_data(days, installations, claims, expected):
    product = SupportedProductFactory.build(
        support_period_days=days, installations_per_unit=installations, bundled_theme_claims=claims
    )

    with translation.override("en"):
        assert [str(rule) for rule in product.coverage_rules] == expected


def test_team_emails_are_validated_one_per_line():
    validate_email_lines("team@example.com\n\n  lead@example.com  ")
    with pytest.raises(ValidationError, match="not-an-address"):
        validate_email_lines("team@example.com\nnot-an-address")


def test_team_email_list_splits_lines(site):
    settings = SupportSettings(site=site, team_emails="a@example.com\n\nb@example.com\n")

    assert settings.team_email_list == ["a@example.com", "b@example.com"]
