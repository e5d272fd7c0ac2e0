"""Issue 15 done-when 4: the coverage policy is translated with Wagtail's i18n. A Spanish translation
published in the admin shows beside the Spanish new-ticket form, on the Spanish policy page and in the
block; a policy without a published Spanish translation falls back to the default locale's."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from tests.factories import (
    CoveragePolicyFactory,
    EntitlementFactory,
    SupportedProductFactory,
    UserFactory,
    publish_support_page,
)
from tests.i18n_helpers import spanish, translate_page
from wagtail_support.coverage.blocks import CoveragePolicyBlock
from wagtail_support.models import CoveragePolicy, CoveragePolicyPage
from wagtail_support.sitesettings import SupportSettings

pytestmark = pytest.mark.django_db

SNIPPETS = "wagtailsnippets_wagtail_support_coveragepolicy"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def policy():
    policy = CoveragePolicyFactory(title="Acme support policy", covered=["Bugs"], excluded=["Customisation"])
    settings = SupportSettings.for_site(Site.objects.get(is_default_site=True))
    settings.default_coverage_policy = policy
    settings.save()
    return policy


@pytest.fixture
def support_pages():
    english = publish_support_page()
    return english, translate_page(english, title="Soporte", slug="soporte")


@pytest.fixture
def customer(client, policy):
    customer = UserFactory(username="lucia", email="lucia@example.com")
    EntitlementFactory(purchase__customer=customer, product=SupportedProductFactory(coverage_policy=policy))
    return customer


def items(texts, existing):
    forms = [
        {"text": text, "explanation": "", "ORDER": str(index + 1), "id": str(item.pk)}
        for index, (text, item) in enumerate(zip(texts, existing, strict=True))
    ]
    return inline_formset(forms, initial=len(existing))


def translate_in_the_admin(client, policy, title, covered, excluded):
    """What an editor does: Translate → Spanish (a draft copy), then edit the copy and publish it."""
    client.force_login(UserFactory(username="editor", is_superuser=True, is_staff=True))
    submit = reverse(
        "simple_translation:submit_snippet_translation", args=["wagtail_support", "coveragepolicy", policy.pk]
    )
    assert client.post(submit, {"locales": [spanish().pk]}).status_code == 302
    translation = CoveragePolicy.objects.get(translation_key=policy.translation_key, locale=spanish())
    data = nested_form_data(
        {
            "title": title,
            "intro": rich_text("<p>Le ayudamos con nuestros productos.</p>"),
            "notes": rich_text(""),
            "covered_items": items(covered, translation.covered_items.all()),
            "excluded_items": items(excluded, translation.excluded_items.all()),
            "action-publish": "1",
        }
    )
    assert client.post(reverse(f"{SNIPPETS}:edit", args=[translation.pk]), data).status_code == 302
    client.logout()
    translation.refresh_from_db()
    assert translation.live
    return translation


def test_existing_policies_got_the_default_locale_and_their_own_translation_keys(policy):
    other = CoveragePolicyFactory()
    assert policy.locale == other.locale == Locale.get_default()
    assert policy.translation_key != other.translation_key


def test_a_spanish_policy_published_in_the_admin_shows_beside_the_spanish_new_ticket_form(
    client, policy, support_pages, customer
):
    english, spanish_page = support_pages
    translate_in_the_admin(client, policy, "Qué incluye el soporte", ["Errores"], ["Personalización"])
    client.force_login(customer)

    spanish_form = client.get(spanish_page.url + "new/").content.decode()
    english_form = client.get(english.url + "new/").content.decode()

    assert "Qué incluye el soporte" in spanish_form and "Personalización" in spanish_form
    assert "Acme support policy" not in spanish_form
    assert "Acme support policy" in english_form and "Qué incluye" not in english_form
    policy.refresh_from_db()
    assert SupportSettings.for_site(english.get_site()).default_coverage_policy == policy  # FK unchanged


def test_an_untranslated_or_unpublished_spanish_policy_falls_back_to_the_default_locale(
    client, policy, support_pages, customer
):
    _english, spanish_page = support_pages
    client.force_login(customer)
    assert "Acme support policy" in client.get(spanish_page.url + "new/").content.decode()

    draft = policy.copy_for_translation(spanish())
    draft.title, draft.live = "Borrador", False
    draft.save()
    page = client.get(spanish_page.url + "new/").content.decode()
    assert "Acme support policy" in page and "Borrador" not in page


def test_the_spanish_policy_page_and_block_show_the_spanish_policy(client, policy):
    home = Site.objects.get(is_default_site=True).root_page
    page = home.add_child(instance=CoveragePolicyPage(title="Support policy", slug="support-policy"))
    page.save_revision().publish()
    spanish_page = translate_page(page, title="Política de soporte", slug="politica-de-soporte")
    translate_in_the_admin(client, policy, "Qué incluye el soporte", ["Errores"], ["Personalización"])

    assert "Qué incluye el soporte" in client.get(spanish_page.url).content.decode()
    assert "Acme support policy" in client.get(page.url).content.decode()

    block = CoveragePolicyBlock()
    with translation.override("es"):
        assert "Personalización" in block.render(block.to_python({"policy": None}), context={})
