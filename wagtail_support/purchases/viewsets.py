"""The purchases screens in the Wagtail admin: Support → Products and Support → Purchases."""

import django_filters
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django_filters.widgets import BooleanWidget
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from wagtail_support.admin_viewsets import RecordViewSetMixin
from wagtail_support.purchases import admin_views
from wagtail_support.purchases.choosers import ProductChooserViewSet
from wagtail_support.purchases.models import Purchase, PurchaseStatus, SupportedProduct


def _purchase_sources():
    return [
        (source, source)
        for source in Purchase.objects.order_by("source").values_list("source", flat=True).distinct()
    ]


class SupportedProductViewSet(SnippetViewSet):
    model = SupportedProduct
    chooser_viewset_class = ProductChooserViewSet
    icon = "tag"
    menu_label = pgettext_lazy("supported product", "Products")
    list_display = ["name", "kind", "support_period_days", "installations_per_unit", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        InlinePanel("references", heading=_("Shop references"), label=_("Shop reference"), min_num=1),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("support_period_days"), FieldPanel("installations_per_unit")]),
                FieldPanel("bundled_theme_claims"),
                FieldPanel("coverage_policy"),
            ],
            heading=pgettext_lazy("support period", "Support"),
        ),
        FieldPanel("active"),
    ]


class PurchaseFilterSet(WagtailFilterSet):
    source = django_filters.ChoiceFilter(label=_("Source"), choices=_purchase_sources)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PurchaseStatus.choices)
    product = django_filters.ModelChoiceFilter(
        label=pgettext_lazy("supported product", "Product"),
        field_name="entitlements__product",
        queryset=SupportedProduct.objects.all(),
        distinct=True,
    )
    unknown = django_filters.BooleanFilter(
        label=_("Unknown product references"), method="filter_unknown", widget=BooleanWidget
    )

    class Meta:
        model = Purchase
        fields = []

    def filter_unknown(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(unknown_references=[]) if value else queryset.filter(unknown_references=[])


def _products(purchase):
    return ", ".join(sorted({entitlement.product.name for entitlement in purchase.entitlements.all()}))


def _unknown(purchase):
    count = len(purchase.unknown_references or [])
    return ngettext("%(count)d unknown", "%(count)d unknown", count) % {"count": count} if count else ""


class PurchaseViewSet(RecordViewSetMixin, ModelViewSet):
    """Purchases as the shops reported them; staff inspect, revoke, resend and add by hand."""

    allow_add = True  # "Add a purchase by hand" goes through the purchases service
    model = Purchase
    icon = "list-ul"
    menu_label = _("Purchases")
    url_prefix = "support/purchases"
    name = admin_views.URL_NAMESPACE
    index_view_class = admin_views.PurchaseIndexView
    inspect_view_class = admin_views.PurchaseInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    filterset_class = PurchaseFilterSet
    search_fields = ["email", "external_id"]
    inspect_view_fields = ["source", "external_id", "email", "name", "customer", "purchased_at", "status"]
    list_display = [
        TitleColumn("order", label=_("Order"), accessor=str, url_name=f"{admin_views.URL_NAMESPACE}:inspect"),
        Column("email", label=_("E-mail"), sort_key="email"),
        Column("customer", label=_("Customer")),
        DateColumn("purchased_at", label=_("Purchased at"), sort_key="purchased_at"),
        StatusTagColumn(
            "get_status_display", label=_("Status"), sort_key="status", primary=lambda p: p.is_paid
        ),
        Column("products", label=pgettext_lazy("supported product", "Products"), accessor=_products),
        Column("unknown_references", label=_("Unknown references"), accessor=_unknown),
    ]

    list_export = ["source", "external_id", "email", "name", "purchased_at", "get_status_display"]
    export_headings = {
        "source": _("Source"),
        "external_id": _("Order id"),
        "email": _("E-mail"),
        "name": _("Customer name"),
        "purchased_at": _("Purchased at"),
        "get_status_display": _("Status"),
    }
    export_filename = "purchases"

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", admin_views.ManualPurchaseView.as_view(), name="add"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("<int:pk>/resend-setup/", admin_views.ResendSetupEmailView.as_view(), name="resend_setup"),
            path("<int:pk>/revoke/", admin_views.RevokePurchaseView.as_view(), name="revoke"),
            path("<int:pk>/map/", admin_views.MapReferenceView.as_view(), name="map_reference"),
            path(
                "installations/<int:pk>/release/",
                admin_views.ReleaseInstallationView.as_view(),
                name="release_installation",
            ),
            path(
                "installations/<int:pk>/move/",
                admin_views.MoveInstallationView.as_view(),
                name="move_installation",
            ),
        ]
