"""The support section's "My products" page and its two forms (register a site, claim the free theme of
a plan). Thin: what each card shows comes from ``purchases.my_products``, the rules from
``purchases.installations``; the support section owns the templates.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wagtail_support.degrade import subpage_url
from wagtail_support.purchases import installations, my_products
from wagtail_support.purchases.forms import ClaimThemeForm, InstallationForm
from wagtail_support.tickets.views import render


def products(request, page, forms=None):
    entitlements = my_products.product_cards(request.user, forms)
    return render(
        request,
        page,
        "products.html",
        {"entitlements": entitlements, "support_tab": "products"},
        status=400 if forms else 200,
    )


def _own_entitlement(request, entitlement_id):
    entitlement = my_products.own_entitlement(request.user, entitlement_id)
    if entitlement is None:
        raise Http404
    return entitlement


@require_POST
def add_installation(request, page, entitlement_id):
    entitlement = _own_entitlement(request, entitlement_id)
    form = InstallationForm(request.POST, auto_id=my_products.form_ids(entitlement))
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
    form = ClaimThemeForm(
        request.POST, themes=my_products.free_themes(), auto_id=my_products.form_ids(entitlement)
    )
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
