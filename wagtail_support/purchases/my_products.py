"""The customer's "My products" page: support dates, installations, and the free theme of a hosting plan.

Views of the support page's routes; thin: the rules live in ``purchases.installations``.
"""

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wagtail_support.dates import support_date
from wagtail_support.degrade import subpage_url
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


def products(request, page, forms=None):
    entitlements = list(customer_entitlements(request.user))
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
        auto_id = f"id_product{entitlement.pk}_%s"
        entitlement.installation_form = (
            form if isinstance(form, InstallationForm) else InstallationForm(auto_id=auto_id)
        )
        entitlement.claim_form = (
            form
            if isinstance(form, ClaimThemeForm)
            else ClaimThemeForm(themes=themes, choices=theme_choices, auto_id=auto_id)
        )
    return TemplateResponse(
        request,
        "wagtail_support/support/products.html",
        page.get_context(request) | {"page": page, "entitlements": entitlements, "support_tab": "products"},
        status=400 if forms else 200,
    )


def _own_entitlement(request, entitlement_id):
    try:
        return Entitlement.objects.select_related("product").get(Q(pk=entitlement_id), customer=request.user)
    except Entitlement.DoesNotExist as error:
        raise Http404 from error


@require_POST
def add_installation(request, page, entitlement_id):
    entitlement = _own_entitlement(request, entitlement_id)
    form = InstallationForm(request.POST, auto_id=f"id_product{entitlement.pk}_%s")
    if form.is_valid():
        try:
            installation = installations.register_installation(entitlement, form.cleaned_data["site"])
        except installations.InstallationError as error:
            form.add_error("site", str(error))
        else:
            messages.success(
                request,
                _("%(site)s is registered for %(product)s.")
                % {"site": installation.domain, "product": entitlement.product.name},
            )
            return redirect(subpage_url(request, page, "products_route"))
    return products(request, page, forms={entitlement.pk: form})


@require_POST
def claim_theme(request, page, entitlement_id):
    entitlement = _own_entitlement(request, entitlement_id)
    form = ClaimThemeForm(request.POST, themes=free_themes(), auto_id=f"id_product{entitlement.pk}_%s")
    if form.is_valid():
        try:
            claim = installations.claim_bundled_theme(entitlement, form.cleaned_data["theme"])
        except installations.InstallationError as error:
            form.add_error("theme", str(error))
        else:
            messages.success(
                request, _("%(theme)s is yours, with its own support.") % {"theme": claim.product.name}
            )
            return redirect(subpage_url(request, page, "products_route"))
    return products(request, page, forms={entitlement.pk: form})
