"""The purchases screens in the Wagtail admin (Support → Purchases): listing, one purchase, actions.

Thin: every action calls the same service the shops and the customer pages use. Actions are POST
only and each checks its own Django model permission (view, add, change, revoke_purchase).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from wagtail_support import permissions
from wagtail_support.exports import NeutralisedExportMixin
from wagtail_support.purchases import accounts, installations, mapping, services
from wagtail_support.purchases.forms import (
    ManualPurchaseForm,
    MapReferenceForm,
    MoveInstallationForm,
    RevokePurchaseForm,
)
from wagtail_support.purchases.models import Entitlement, Installation, Purchase

URL_NAMESPACE = "wagtail_support_purchases"


def purchase_url(purchase):
    return reverse(f"{URL_NAMESPACE}:inspect", args=[purchase.pk])


def entitlements_with_installations():
    """Entitlements with their product, what they were claimed with, and active sites."""
    return Entitlement.objects.select_related("product", "granted_by__product").prefetch_related(
        Prefetch(
            "installations",
            queryset=Installation.objects.filter(released_at__isnull=True),
            to_attr="active_installations",
        )
    )


class PurchaseIndexView(NeutralisedExportMixin, IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("customer")
            .prefetch_related(
                Prefetch(
                    "entitlements", queryset=Entitlement.objects.select_related("product").order_by("pk")
                )
            )
        )


class PurchaseInspectView(InspectView):
    template_name = "wagtail_support/admin/purchases/inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Purchase.objects.select_related("customer__support_account").prefetch_related(
                Prefetch(
                    "entitlements", queryset=entitlements_with_installations(), to_attr="entitlement_list"
                )
            ),
            pk=self.pk,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        purchase = self.object
        can_change = permissions.purchases.user_has_permission(user, "change")
        context.update(
            {
                "purchase": purchase,
                "entitlements": purchase.entitlement_list,
                "has_installations": any(e.active_installations for e in purchase.entitlement_list),
                "customer_account": getattr(purchase.customer, "support_account", None)
                if purchase.customer
                else None,
                "can_change": can_change,
                "resend_url": reverse(f"{URL_NAMESPACE}:resend_setup", args=[purchase.pk])
                if can_change and purchase.customer
                else None,
                "revoke_url": reverse(f"{URL_NAMESPACE}:revoke", args=[purchase.pk])
                if purchase.can_be_revoked and permissions.purchases.user_has_permission(user, "revoke")
                else None,
                "map_url": reverse(f"{URL_NAMESPACE}:map_reference", args=[purchase.pk])
                if purchase.can_be_revoked and permissions.may_map_references(user)
                else None,
                "map_forms": [
                    (
                        line,
                        MapReferenceForm(initial={"reference": line["product_ref"]}, auto_id=f"id_map{i}_%s"),
                    )
                    for i, line in enumerate(purchase.unknown_references or [])
                ],
                "revoke_form": RevokePurchaseForm(),
                "move_form": MoveInstallationForm(),
            }
        )
        return context


class PurchaseActionView(View):
    """A POST-only action on one purchase; answers with a message on the purchase screen."""

    http_method_names = ["post"]
    action = "change"

    def post(self, request, pk):
        if not permissions.purchases.user_has_permission(request.user, self.action):
            raise PermissionDenied
        purchase = get_object_or_404(Purchase.objects.select_related("customer"), pk=pk)
        self.act(request, purchase)
        return redirect(purchase_url(purchase))

    def act(self, request, purchase):
        raise NotImplementedError


class ResendSetupEmailView(PurchaseActionView):
    def act(self, request, purchase):
        customer = purchase.customer
        if customer is None or not customer.is_active:
            messages.error(request, _("This purchase has no active customer account to e-mail."))
            return
        accounts.send_setup_link(customer)
        messages.success(
            request, _("A new set-up e-mail is on its way to %(email)s.") % {"email": customer.email}
        )


class MapReferenceView(PurchaseActionView):
    """Map one unknown reference of the order to a product; the order is then granted (and e-mailed)."""

    def post(self, request, pk):
        if not permissions.may_map_references(request.user):
            raise PermissionDenied
        return super().post(request, pk)

    def act(self, request, purchase):
        form = MapReferenceForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the product this reference stands for."))
            return
        reference, product = form.cleaned_data["reference"], form.cleaned_data["product"]
        was_unmapped = purchase.is_unmapped
        try:
            purchase = mapping.map_reference(purchase, reference, product)
        except mapping.MappingError as error:
            messages.error(request, str(error))
            return
        if was_unmapped and not purchase.is_unmapped:
            message = _(
                "“%(reference)s” is now a shop reference of %(product)s. The order is granted and "
                "%(email)s gets the usual e-mail."
            )
        else:
            message = _("“%(reference)s” is now a shop reference of %(product)s; its lines are granted.")
        messages.success(
            request, message % {"reference": reference, "product": product, "email": purchase.email}
        )


class RevokePurchaseView(PurchaseActionView):
    action = "revoke"

    def act(self, request, purchase):
        form = RevokePurchaseForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose whether the purchase was refunded or cancelled."))
        elif not purchase.can_be_revoked:
            messages.warning(request, _("This purchase was already revoked."))
        else:
            services.revoke(purchase, form.cleaned_data["status"])
            messages.success(
                request, _("%(purchase)s is revoked: it no longer gives support.") % {"purchase": purchase}
            )


class InstallationActionView(View):
    """A POST-only action on one active installation; answers on its purchase's screen."""

    http_method_names = ["post"]

    def post(self, request, pk):
        if not permissions.purchases.user_has_permission(request.user, "change"):
            raise PermissionDenied
        installation = get_object_or_404(
            Installation.objects.select_related("entitlement__purchase"), pk=pk, released_at__isnull=True
        )
        self.act(request, installation)
        return redirect(purchase_url(installation.entitlement.purchase))

    def act(self, request, installation):
        raise NotImplementedError


class ReleaseInstallationView(InstallationActionView):
    def act(self, request, installation):
        installations.release_installation(installation)
        messages.success(
            request, _("%(site)s is released; the slot is free again.") % {"site": installation.domain}
        )


class MoveInstallationView(InstallationActionView):
    def act(self, request, installation):
        form = MoveInstallationForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Enter the new site's address."))
            return
        try:
            moved = installations.move_installation(installation, form.cleaned_data["site"])
        except installations.InstallationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("%(old)s is moved to %(new)s.") % {"old": installation.domain, "new": moved.domain}
            )


class ManualPurchaseView(WagtailAdminTemplateMixin, FormView):
    """Record a purchase by hand: it goes through ``record_purchase`` like any shop's, e-mail included."""

    form_class = ManualPurchaseForm
    template_name = "wagtail_support/admin/purchases/add.html"
    page_title = gettext_lazy("Add a purchase by hand")
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        if not permissions.purchases.user_has_permission(request.user, "add"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(f"{URL_NAMESPACE}:index"), "label": gettext_lazy("Purchases")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["media"] = context["form"].media
        context["action_url"] = reverse(f"{URL_NAMESPACE}:add")
        context["submit_button_label"] = _("Record purchase")
        return context

    def form_valid(self, form):
        purchase = services.record_purchase(form.purchase_data())
        messages.success(
            self.request,
            _("%(purchase)s is recorded; %(email)s gets the usual e-mail.")
            % {"purchase": purchase, "email": purchase.email},
        )
        return redirect(purchase_url(purchase))
