"""What ``support_setup`` puts on a new site: page titles and slugs, and a default coverage policy
that editors then adapt (Support → Coverage policies)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SUPPORT_PAGE = {"title": pgettext_lazy("support section", "Support"), "slug": "support"}
POLICY_PAGE = {"title": _("What support covers"), "slug": "what-support-covers"}

POLICY_TITLE = _("Professional support")
POLICY_INTRO = _(
    "<p>Every purchase comes with professional support from the people who make the product, "
    "for the support period of that product.</p>"
)
POLICY_COVERED = [
    (_("Bugs in our products"), _("Something does not work the way the documentation describes.")),
    (_("Error messages"), _("Send us the exact message and the page where it appears.")),
    (_("How-to questions"), _("How a setting or a feature of our product is meant to be used.")),
    (_("Guidance through updates"), _("We explain the update steps; running them stays with you.")),
]
POLICY_EXCLUDED = [
    (_("Custom development"), _("Changing our products to behave differently.")),
    (
        _("Modified code and other vendors' software"),
        _("Code changed by someone else, or software we did not write."),
    ),
    (_("Server and hosting configuration"), _("Setting up servers, DNS or e-mail accounts.")),
    (_("Lessons in web technologies"), _("Teaching HTML, CSS, JavaScript or other languages.")),
]
