"""Which coverage policy applies, always in its published version and in the visitor's locale.

Products and support settings point at a policy (the default locale's); the translation in the
active locale is shown when it is published, else the policy itself.
"""

from django.db.models import Q
from wagtail.models import Site

from wagtail_support.coverage.models import CoveragePolicy


def _published(policy):
    return policy if policy is not None and policy.live else None


def localized(policy):
    """The published translation of ``policy`` in the active locale, else ``policy``."""
    from wagtail_support.customers.translations import locale_for

    locale = locale_for(None)
    if policy is None or locale is None or policy.locale_id == locale.pk:
        return policy
    return _published(policy.get_translation_or_none(locale)) or policy


def _default_site():
    return Site.objects.filter(is_default_site=True).select_related("root_page").first()


def default_policy(site=None):
    """The site's default policy (Settings → Support) if it is published, else None.

    Reads without creating the settings row, so that rendering a page never writes.
    """
    from wagtail_support.sitesettings import settings_for_site

    site = site or _default_site()
    if site is None:
        return None
    settings = settings_for_site(site.pk)  # kept in the cache; the policy itself is read fresh
    if settings.default_coverage_policy_id is None:
        return None
    return localized(_published(settings.default_coverage_policy))


def policy_for(product=None, site=None, policy=None):
    """The published policy that applies, in the active locale when translated there.

    An explicitly chosen ``policy`` wins, then the ``product``'s own policy, then the site's
    default. A choice that is not published (a draft, unpublished or expired) is passed over.
    """
    for candidate in (policy, getattr(product, "coverage_policy", None)):
        if (published := _published(candidate)) is not None:
            return localized(published)
    return default_policy(site)


_UNKNOWN = object()


def products_covered_by(policy, site=None, default=_UNKNOWN):
    """Active products the published ``policy`` applies to, with their reference rows prefetched.

    ``default``: the site's ``default_policy``, when the caller has it already (it is not read again).
    """
    from wagtail_support.purchases.models import SupportedProduct

    if policy is None or policy.pk is None:
        return []
    # A translation covers what the policy it translates covers.
    applies = Q(coverage_policy__translation_key=policy.translation_key)
    if default is _UNKNOWN:
        default = default_policy(site)
    if default is not None and default.translation_key == policy.translation_key:
        unpublished = CoveragePolicy.objects.filter(live=False)
        applies |= Q(coverage_policy__isnull=True) | Q(coverage_policy__in=unpublished)
    return list(SupportedProduct.objects.filter(applies, active=True).order_by("name"))
