"""What the customer's "My products" page shows: support dates, installations, and the free theme of a
hosting plan, each product with its forms.

Data only: the page is drawn by the support section (``tickets.products``), which owns its templates.
The rules live in ``purchases.installations``.
"""

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _

from wagtail_support.dates import support_date
from wagtail_support.purchases import installations
from wagtail_support.purchases.forms import ClaimThemeForm, InstallationForm
from wagtail_support.purchases.models import Entitlement, Installation, ProductKind, SupportedProduct


def customer_entitlements(user):
    """The customer's entitlements with products, active sites and claims, in a fixed number of queries."""
    return (
        Entitlement.objects.filter(customer=user)
        .select_related("product", "purchase", "granted_by__product")
        .prefetch_related(
            Prefetch(
                "installations",
                queryset=Installation.objects.filter(released_at__isnull=True),
                to_attr="active_installations",
            )
        )
        .annotate(claims_made=Count("bundled_claims", distinct=True))
        .order_by("-active", "product__name", "pk")
    )


def origin_text(entitlement):
    """Where a product came from, so that two of the same can be told apart: "Order 1042, bought on
    3 Dec 2026" or "Included with Hosting Pro"."""
    if entitlement.granted_by_id:
        return _("Included with %(plan)s") % {"plan": entitlement.granted_by.product.name}
    purchase = entitlement.purchase
    return _("Order %(order)s, bought on %(date)s") % {
        "order": purchase.external_id,
        "date": support_date(purchase.purchased_at),
    }


def free_themes():
    return SupportedProduct.objects.filter(kind=ProductKind.THEME, active=True, support_period_days__gt=0)


def product_cards(user, forms=None):
    """The customer's entitlements, each with what its card shows and its two forms (``forms``: a bound
    form that failed, by entitlement id)."""
    entitlements = list(customer_entitlements(user))
    themes = free_themes()
    theme_choices = [(theme.pk, theme.name) for theme in themes]
    for entitlement in entitlements:
        entitlement.supported = entitlement.has_support()
        entitlement.claims_open = installations.claims_left(entitlement, entitlement.claims_made)
        entitlement.slots_left = (
            None
            if entitlement.is_unlimited
            else max(0, entitlement.installations_allowed - len(entitlement.active_installations))
        )
        entitlement.origin = origin_text(entitlement)
        form = (forms or {}).get(entitlement.pk)
        # Each card's forms get ids of their own, so every label points at its own card's input.
        auto_id = form_ids(entitlement)
        entitlement.installation_form = (
            form if isinstance(form, InstallationForm) else InstallationForm(auto_id=auto_id)
        )
        entitlement.claim_form = (
            form
            if isinstance(form, ClaimThemeForm)
            else ClaimThemeForm(themes=themes, choices=theme_choices, auto_id=auto_id)
        )
    return entitlements


def form_ids(entitlement):
    """The ``auto_id`` of one card's forms."""
    return f"id_product{entitlement.pk}_%s"


def own_entitlement(user, entitlement_id):
    """``user``'s entitlement ``entitlement_id`` with its product, or None."""
    return Entitlement.objects.select_related("product").filter(pk=entitlement_id, customer=user).first()
