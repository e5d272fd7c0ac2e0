"""The admin's product chooser (``/admin/snippets/choose/wagtail_support/supportedproduct/``).

Only people who may see products pick one: those with the view, add or change product permission
(support agents, for canned responses; shop staff). Policy editors never need it, because a policy
names no product (a product names its policy), and Wagtail's own editors are not shown the catalogue.
"""

from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views import chooser

CHOOSE_PERMISSIONS = ["view", "add", "change"]


class ProductPermissionMixin(PermissionCheckedMixin):
    any_permission_required = CHOOSE_PERMISSIONS

    def user_has_any_permission(self, permissions):
        # The products' own policy, whatever policy the chooser viewset hands its views (Wagtail 7.4
        # passes its own, which lets everyone through).
        from wagtail_support.purchases.models import SupportedProduct

        return ModelPermissionPolicy(SupportedProduct).user_has_any_permission(self.request.user, permissions)


class ProductChooseView(ProductPermissionMixin, chooser.ChooseView):
    pass


class ProductChooseResultsView(ProductPermissionMixin, chooser.ChooseResultsView):
    pass


class ProductChosenView(ProductPermissionMixin, chooser.SnippetChosenView):
    pass


class ProductChosenMultipleView(ProductPermissionMixin, chooser.SnippetChosenMultipleView):
    pass


class ProductChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = ProductChooseView
    choose_results_view_class = ProductChooseResultsView
    chosen_view_class = ProductChosenView
    chosen_multiple_view_class = ProductChosenMultipleView
