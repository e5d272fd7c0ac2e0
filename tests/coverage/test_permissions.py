"""The role matrix of docs/configuration.md ("Groups and rights"): policy editors (the app's
"Support policy editors" group, made by ``support_setup --groups``) maintain policies and the policy
page but never see tickets, purchases, products or the outbox; support agents cannot publish policies;
Wagtail's own "Editors" get nothing from installing the app. Choosing a product (the snippet chooser)
is for those who may see products."""

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.urls import reverse
from wagtail.models import Page, Site

from tests.coverage.test_coverage_admin import policy_data
from tests.factories import CoveragePolicyFactory, SupportedProductFactory, UserFactory
from wagtail_support.models import CoveragePolicy, CoveragePolicyPage
from wagtail_support.setup import set_up_site

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """Wagtail caches site root paths; a cache left by an earlier test points at pages rolled back."""
    cache.clear()


POLICY = "wagtailsnippets_wagtail_support_coveragepolicy"
PRODUCT = "wagtailsnippets_wagtail_support_supportedproduct"

PRODUCT_CHOOSER = "wagtailsnippetchoosers_wagtail_support_supportedproduct"

# Admin screens for support staff only. Add the ticket and purchase screens here as they arrive.
STAFF_ONLY_URLS = [
    ("wagtail_support_outbox:index", ()),
    (f"{PRODUCT}:list", ()),
    (f"{PRODUCT}:add", ()),
    (f"{PRODUCT_CHOOSER}:choose", ()),
    (f"{PRODUCT_CHOOSER}:choose_results", ()),
]


def is_denied(response):
    """Wagtail answers a denied admin view with 403, or a redirect to the dashboard with a message."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


@pytest.fixture
def editor(client):
    user = UserFactory(username="editor", groups=["Support policy editors"])
    client.force_login(user)
    return user


@pytest.fixture
def wagtail_editor(client):
    """A member of Wagtail's own "Editors" group, as a new site has it."""
    user = UserFactory(username="wagtail-editor", groups=["Editors"])
    client.force_login(user)
    return user


@pytest.fixture
def agent(client):
    user = UserFactory(username="agent", groups=["Support agents"])
    client.force_login(user)
    return user


@pytest.mark.parametrize(("name", "args"), STAFF_ONLY_URLS)
def test_editor_is_denied_staff_screens(client, editor, name, args):
    assert is_denied(client.get(reverse(name, args=args)))


def test_editor_is_denied_editing_products(client, editor):
    product = SupportedProductFactory()

    assert is_denied(client.get(reverse(f"{PRODUCT}:edit", args=[product.pk])))


def test_editor_menu_shows_policies_but_not_staff_screens(client, editor):
    html = client.get(reverse("wagtailadmin_home")).text

    assert reverse(f"{POLICY}:list") in html
    for name, args in STAFF_ONLY_URLS:
        assert reverse(name, args=args) not in html


def test_editor_can_publish_policies_and_the_policy_page(client, editor):
    response = client.post(reverse(f"{POLICY}:add"), policy_data("Editor policy", ["Bugs"], [], publish="1"))
    assert response.status_code == 302
    assert CoveragePolicy.objects.get(title="Editor policy").live

    site = Site.objects.get(is_default_site=True)
    policy_page = set_up_site(site, groups=True).policy_page
    assert isinstance(policy_page, CoveragePolicyPage)
    assert policy_page.permissions_for_user(editor).can_publish()
    assert not Page.objects.get(pk=site.root_page_id).permissions_for_user(editor).can_publish()


@pytest.mark.parametrize("name", [f"{PRODUCT_CHOOSER}:choose", f"{PRODUCT_CHOOSER}:choose_results"])
def test_wagtail_editor_cannot_open_the_product_chooser(client, wagtail_editor, name):
    SupportedProductFactory(name="Secret bundle")

    response = client.get(reverse(name))

    assert is_denied(response)
    assert "Secret bundle" not in response.text


def test_wagtail_editor_gets_nothing_from_installing_the_app(client, wagtail_editor):
    assert not wagtail_editor.get_all_permissions() & {
        f"wagtail_support.{action}_coveragepolicy" for action in ("add", "change", "publish")
    }
    assert is_denied(client.get(reverse(f"{POLICY}:list")))


@pytest.mark.parametrize("role", ["agent", "superuser"])
def test_who_may_see_products_may_choose_one(client, role):
    groups = ["Support agents"] if role == "agent" else []
    user = UserFactory(username=role, groups=groups, is_superuser=role == "superuser")
    client.force_login(user)
    SupportedProductFactory(name="Aurora theme")

    response = client.get(reverse(f"{PRODUCT_CHOOSER}:choose"))

    assert response.status_code == 200
    assert "Aurora theme" in response.text


def test_agent_cannot_publish_or_edit_policies(client, agent):
    policy = CoveragePolicyFactory(title="Agent test", publish=False)

    assert client.get(reverse(f"{POLICY}:list")).status_code == 200
    response = client.post(
        reverse(f"{POLICY}:edit", args=[policy.pk]),
        policy_data("Agent test", ["Bugs"], [], policy, publish="1"),
    )

    assert is_denied(response)
    policy.refresh_from_db()
    assert not policy.live


def test_agent_with_change_rights_still_cannot_publish(client, agent):
    agent.user_permissions.add(Permission.objects.get(codename="change_coveragepolicy"))
    policy = CoveragePolicyFactory(title="Draft only", publish=False)

    response = client.post(
        reverse(f"{POLICY}:edit", args=[policy.pk]),
        policy_data("Draft only", ["Bugs", "Errors"], [], policy, publish="1"),
    )

    policy.refresh_from_db()
    assert response.status_code in {302, 403}
    assert not policy.live
    assert not agent.has_perm("wagtail_support.publish_coveragepolicy")


def test_agent_cannot_publish_pages(agent):
    home = Site.objects.get(is_default_site=True).root_page

    assert not Page.objects.get(pk=home.pk).permissions_for_user(agent).can_publish()
