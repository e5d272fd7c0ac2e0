"""Point 1: the coverage policy page type passes Wagtail's page test helpers; it is searchable."""

from django.core.cache import cache
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text

from example_site.home.models import ContentPage, HomePage
from tests.factories import CoveragePolicyFactory
from wagtail_support.models import CoveragePolicyPage, SupportSettings


class CoveragePolicyPageTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.policy = CoveragePolicyFactory(
            title="Standard support", covered=["Bugs in our themes"], excluded=["Custom development"]
        )
        cls.site = Site.objects.get(is_default_site=True)
        cls.home = cls.site.root_page.specific
        cls.page = cls.home.add_child(
            instance=CoveragePolicyPage(title="Support policy", slug="support-policy", policy=cls.policy)
        )
        cls.page.save_revision().publish()

    def setUp(self):
        # Wagtail caches site root paths; a cache left by an earlier test points at pages rolled back.
        cache.clear()

    def test_page_is_routable(self):
        self.assertPageIsRoutable(self.page)

    def test_page_is_renderable(self):
        self.assertPageIsRenderable(self.page)

    def test_page_is_previewable(self):
        self.assertPageIsPreviewable(self.page)

    def test_page_is_editable(self):
        self.assertPageIsEditable(
            self.page,
            post_data=nested_form_data(
                {
                    "title": "Support policy",
                    "slug": "support-policy",
                    "intro": rich_text("<p>What our support includes.</p>"),
                    "policy": self.policy.pk,
                }
            ),
        )

    def test_page_can_be_created_under_content_pages(self):
        self.assertCanCreateAt(HomePage, CoveragePolicyPage)
        self.assertCanCreateAt(ContentPage, CoveragePolicyPage)

    def test_allowed_parent_page_types(self):
        self.assertAllowedParentPageTypes(CoveragePolicyPage, {Page, HomePage, ContentPage})

    def test_policy_page_has_no_subpages(self):
        self.assertAllowedSubpageTypes(CoveragePolicyPage, set())

    def test_page_without_policy_shows_site_default(self):
        default = CoveragePolicyFactory(title="Site default policy")
        SupportSettings.objects.create(site=self.site, default_coverage_policy=default)
        page = self.home.add_child(instance=CoveragePolicyPage(title="Default policy", slug="default-policy"))
        page.save_revision().publish()

        response = self.client.get(page.url)

        self.assertContains(response, '<h2 class="coverage-policy-title">Site default policy</h2>', html=True)

    def test_policy_page_is_found_by_wagtail_search(self):
        results = Page.objects.live().search("Custom development")

        self.assertIn(self.page.pk, [page.pk for page in results])

    def test_policy_page_search_follows_published_policy(self):
        self.policy.covered_items.create(text="Questions about plugins")
        self.policy.save_revision().publish()

        results = Page.objects.live().search("plugins")

        self.assertIn(self.page.pk, [page.pk for page in results])
