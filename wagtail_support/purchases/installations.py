"""Where customers run what they bought: installations limited per entitlement, and bundled theme claims."""

import ipaddress

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from publicsuffixlist import PublicSuffixList

from wagtail_support.purchases.accounts import announce_purchase
from wagtail_support.purchases.models import Entitlement, Installation, ProductKind, Purchase

_public_suffixes = PublicSuffixList()  # the list ships with the package: no download at run time


class InstallationError(ValueError):
    """The request cannot be granted; the message says why, in the customer's words."""


def normalise_domain(value):
    """The registrable domain of a site given as a URL or host name: "https://www.Shop.example.co.uk/x"
    gives "example.co.uk". Raises ``InstallationError`` for anything that is not a public domain."""
    host = (value or "").strip().lower()
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
    host = host.split(":", 1)[0].rstrip(".")
    if not host:
        raise InstallationError(_("Enter the address of your site, for example example.com."))
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise InstallationError(_("Enter your site's domain name, not an IP address."))
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise InstallationError(_("“%(site)s” is not a valid domain name.") % {"site": value}) from error
    domain = _public_suffixes.privatesuffix(host)
    if not domain or any(not label or len(label) > 63 for label in host.split(".")):
        raise InstallationError(_("“%(site)s” is not a public domain name.") % {"site": value})
    return domain


def register_installation(entitlement, site):
    """Record that the customer runs ``entitlement``'s product on ``site``; refuse beyond the limit."""
    domain = normalise_domain(site)
    with transaction.atomic():
        entitlement = Entitlement.objects.select_for_update().select_related("product").get(pk=entitlement.pk)
        if not entitlement.has_support():
            raise InstallationError(_("Support for this product has ended, so no site can be added."))
        active = entitlement.installations.filter(released_at__isnull=True)
        existing = active.filter(domain=domain).first()
        if existing:
            return existing
        if not entitlement.is_unlimited and active.count() >= entitlement.installations_allowed:
            raise InstallationError(
                _("This purchase already covers %(sites)s. %(rule)s")
                % {
                    "sites": ", ".join(active.values_list("domain", flat=True)),
                    "rule": entitlement.product.installations_text,
                }
            )
        return Installation.objects.create(entitlement=entitlement, domain=domain)


def release_installation(installation):
    """Free the slot of an installation (staff action); its history stays."""
    Installation.objects.filter(pk=installation.pk, released_at__isnull=True).update(
        released_at=timezone.now()
    )


def move_installation(installation, site):
    """Move an installation to another site within the same entitlement (staff action)."""
    with transaction.atomic():
        release_installation(installation)
        return register_installation(installation.entitlement, site)


def claims_left(entitlement, claims_made=None):
    """Free themes still to claim with a plan: none once its support has ended. ``claims_made`` when the
    caller counted them already (an annotated list)."""
    if not entitlement.has_support():
        return 0
    if claims_made is None:
        claims_made = entitlement.bundled_claims.count()
    return max(0, entitlement.bundled_claims_allowed - claims_made)


def claim_bundled_theme(entitlement, theme):
    """Claim the free premium theme that comes with a hosting plan; creates its own entitlement."""
    from wagtail_support.purchases.services import support_end

    if theme.kind != ProductKind.THEME or not theme.active:
        raise InstallationError(_("Choose one of our premium themes."))
    with transaction.atomic():
        entitlement = (
            Entitlement.objects.select_for_update().select_related("purchase").get(pk=entitlement.pk)
        )
        if claims_left(entitlement) <= 0:
            raise InstallationError(_("The free theme of this plan has already been claimed."))
        number = entitlement.bundled_claims.count() + 1
        now = timezone.now()
        purchase = Purchase.objects.create(
            source="bundle",
            external_id=f"{entitlement.pk}-{number}",
            email=entitlement.purchase.email,
            name=entitlement.purchase.name,
            customer=entitlement.customer,
            purchased_at=now,
            raw_payload={"claimed_with_entitlement": entitlement.pk, "theme": theme.pk},
        )
        claim = Entitlement.objects.create(
            purchase=purchase,
            customer=entitlement.customer,
            product=theme,
            support_until=support_end(theme, now),
            installations_allowed=theme.installations_per_unit,
            granted_by=entitlement,
        )
        announce_purchase(purchase, new_account=False)
    return claim
