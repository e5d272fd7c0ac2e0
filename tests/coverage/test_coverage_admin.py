"""Point 2: an editor drafts, previews, publishes and reverts a policy through the Wagtail admin;
the public page keeps the published version until the next publish."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from wagtail.models import Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from tests.factories import UserFactory
from wagtail_support.models import CoveragePolicy, CoveragePolicyPage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """Wagtail caches site root paths; a cache left by an earlier test points at pages rolled back."""
    cache.clear()


NAMESPACE = "wagtailsnippets_wagtail_support_coveragepolicy"


def url(name, *args):
    return reverse(f"{NAMESPACE}:{name}", args=args)


def compare_url(policy, revision_a, revision_b):
    return reverse(
        f"{NAMESPACE}:revisions_compare",
        kwargs={"pk": policy.pk, "revision_id_a": revision_a, "revision_id_b": revision_b},
    )


def items(texts, existing=()):
    """Inline formset data; ``existing`` are the saved items the first forms edit."""
    forms = []
    for index, text in enumerate(texts):
        form = {"text": text, "explanation": "", "ORDER": str(index + 1)}
        if index < len(existing):
            form["id"] = str(existing[index].pk)
        forms.append(form)
    return inline_formset(forms, initial=len(existing))


def policy_data(title, covered, excluded, policy=None, **actions):
    return nested_form_data(
        {
            "title": title,
            "intro": rich_text("<p>What we help with.</p>"),
            "notes": rich_text(""),
            "covered_items": items(covered, policy.covered_items.all() if policy else ()),
            "excluded_items": items(excluded, policy.excluded_items.all() if policy else ()),
            **{f"action-{name}": value for name, value in actions.items()},
        }
    )


@pytest.fixture
def editor_client(client):
    editor = UserFactory(username="eddie", groups=["Support policy editors"])
    client.force_login(editor)
    return client


@pytest.fixture
def policy_page():
    home = Site.objects.get(is_default_site=True).root_page
    page = home.add_child(instance=CoveragePolicyPage(title="Support policy", slug="support-policy"))
    page.save_revision().publish()
    return page


def set_page_policy(page, policy):
    page.policy = policy
    page.save_revision().publish()


def test_editor_drafts_previews_publishes_and_reverts(editor_client, policy_page):
    # Create: saved as a draft, not live.
    response = editor_client.post(url("add"), policy_data("Our support", ["Bugs"], ["Customisation"]))
    assert response.status_code == 302
    policy = CoveragePolicy.objects.get(title="Our support")
    assert not policy.live
    set_page_policy(policy_page, policy)
    assert "Customisation" not in editor_client.get(policy_page.url).text

    # Preview the draft with a change that is not saved.
    preview_data = policy_data("Our support", ["Bugs", "Error messages"], ["Customisation"], policy)
    response = editor_client.post(url("preview_on_edit", policy.pk), preview_data)
    assert response.json()["is_valid"] is True
    response = editor_client.get(url("preview_on_edit", policy.pk))
    assert response.status_code == 200
    assert "Error messages" in response.text

    # Publish.
    response = editor_client.post(
        url("edit", policy.pk), policy_data("Our support", ["Bugs"], ["Customisation"], policy, publish="1")
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.live
    first_revision = policy.live_revision
    assert "Customisation" in editor_client.get(policy_page.url).text

    # Edit again as a draft: the public page keeps the published version.
    response = editor_client.post(
        url("edit", policy.pk), policy_data("Our support", ["Bugs"], ["Server configuration"], policy)
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.has_unpublished_changes
    page_html = editor_client.get(policy_page.url).text
    assert "Customisation" in page_html
    assert "Server configuration" not in page_html

    # The next publish replaces it.
    response = editor_client.post(
        url("edit", policy.pk),
        policy_data("Our support", ["Bugs"], ["Server configuration"], policy, publish="1"),
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    page_html = editor_client.get(policy_page.url).text
    assert "Server configuration" in page_html
    assert "Customisation" not in page_html

    # Compare the two published revisions.
    response = editor_client.get(compare_url(policy, first_revision.pk, "latest"))
    assert response.status_code == 200
    assert "Customisation" in response.text
    assert "Server configuration" in response.text

    # Revert to the first revision and publish it.
    response = editor_client.get(url("revisions_revert", policy.pk, first_revision.pk))
    assert response.status_code == 200
    assert "Customisation" in response.text
    response = editor_client.post(
        url("revisions_revert", policy.pk, first_revision.pk),
        policy_data("Our support", ["Bugs"], ["Customisation"], policy, publish="1"),
    )
    assert response.status_code == 302
    page_html = editor_client.get(policy_page.url).text
    assert "Customisation" in page_html
    assert "Server configuration" not in page_html
    assert policy.revisions.count() == 5


def test_editor_can_lock_a_policy(editor_client):
    response = editor_client.post(url("add"), policy_data("Locked policy", ["Bugs"], []))
    policy = CoveragePolicy.objects.get(title="Locked policy")

    response = editor_client.post(url("lock", policy.pk))

    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.locked


def test_editor_can_schedule_publishing(editor_client):
    data = policy_data("Scheduled policy", ["Bugs"], [], publish="1")
    data["go_live_at"] = "2099-01-01 09:00"

    response = editor_client.post(url("add"), data)

    assert response.status_code == 302
    policy = CoveragePolicy.objects.get(title="Scheduled policy")
    assert not policy.live
    assert policy.latest_revision.approved_go_live_at is not None


def test_snippet_compare_view_lists_item_changes(editor_client):
    editor_client.post(url("add"), policy_data("Compared", ["Bugs"], ["Hosting"], publish="1"))
    policy = CoveragePolicy.objects.get(title="Compared")
    editor_client.post(url("edit", policy.pk), policy_data("Compared", ["Bugs"], ["Hosting", "DNS"], policy))

    response = editor_client.get(compare_url(policy, "live", "latest"))

    assert response.status_code == 200
    assert "DNS" in response.text
