"""Set up one Wagtail site for support: the policy, the two pages, the site's settings.

Only public Wagtail API: pages are added with ``add_child`` and published through a revision, the
settings row comes from ``SupportSettings.for_site``. Anything already there is kept as it is.
"""

from django.utils.translation import gettext as _
from wagtail.models import Page

from wagtail_support.coverage.models import CoveragePolicy, CoveredItem, ExcludedItem
from wagtail_support.coverage.pages import CoveragePolicyMixin, CoveragePolicyPage
from wagtail_support.setup import defaults
from wagtail_support.sitesettings import SupportSettings
from wagtail_support.tickets.pages import SupportPage, SupportPageMixin


def create_default_policy():
    """A published policy with sensible covered and not-covered items, for editors to adapt."""
    policy = CoveragePolicy(title=str(defaults.POLICY_TITLE), intro=str(defaults.POLICY_INTRO), live=False)
    policy.covered_items = [CoveredItem(text=str(t), explanation=str(e)) for t, e in defaults.POLICY_COVERED]
    policy.excluded_items = [
        ExcludedItem(text=str(t), explanation=str(e)) for t, e in defaults.POLICY_EXCLUDED
    ]
    policy.save()
    policy.save_revision().publish()
    policy.refresh_from_db()
    return policy


def ensure_default_policy(site, policy=None):
    """The site's default policy (Settings → Support): kept if set, else ``policy``, else the first
    published policy, else a new default one. Returns (policy, change lines)."""
    changes = []
    settings = SupportSettings.for_site(site)
    if settings.default_coverage_policy is not None:
        return settings.default_coverage_policy, changes
    if policy is None:
        policy = CoveragePolicy.objects.filter(live=True).order_by("pk").first()
    if policy is None:
        policy = create_default_policy()
        changes.append(_('Created and published the coverage policy "%(title)s".') % {"title": policy})
    settings.default_coverage_policy = policy
    settings.save()
    changes.append(
        _('Made "%(title)s" the default coverage policy of %(site)s.') % {"title": policy, "site": site}
    )
    return policy, changes


def ensure_page(site, mixin, model, fields):
    """The site's page of type ``mixin`` (anywhere under its root), else a new published ``model``
    page under the root. Returns (page or None, change lines, problem lines)."""
    root = site.root_page
    existing = Page.objects.descendant_of(root).type(mixin).order_by("path").first()
    if existing is not None:
        return existing.specific, [], []
    if Page.objects.child_of(root).filter(slug=fields["slug"]).exists():
        problem = _(
            'A page with the slug "%(slug)s" is already under "%(root)s": add a %(type)s page in '
            "Pages yourself, or rename that page and run support_setup again."
        ) % {"slug": fields["slug"], "root": root.title, "type": model._meta.verbose_name}
        return None, [], [problem]
    page = model(**{key: str(value) if key == "title" else value for key, value in fields.items()})
    root.add_child(instance=page)
    page.save_revision().publish()
    change = _('Created and published the page "%(title)s" at %(url)s.') % {
        "title": page.title,
        "url": page.get_url(current_site=site) or page.url_path,
    }
    return page, [change], []


def ensure_pages(site, support_page=None, policy_page=None):
    """The support page and the coverage-policy page under the site's root."""
    support, support_changes, support_problems = ensure_page(
        site, SupportPageMixin, SupportPage, {**defaults.SUPPORT_PAGE, **(support_page or {})}
    )
    policy, policy_changes, policy_problems = ensure_page(
        site, CoveragePolicyMixin, CoveragePolicyPage, {**defaults.POLICY_PAGE, **(policy_page or {})}
    )
    return support, policy, support_changes + policy_changes, support_problems + policy_problems
