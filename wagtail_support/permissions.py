"""Who may do what in the admin: one Wagtail permission policy per model, for every view and menu item.

Each policy names its model by string, so this module imports no package and any layer may ask it:
``purchases.user_has_permission(user, "revoke")`` checks ``wagtail_support.revoke_purchase``.
"""

from wagtail.permission_policies import ModelPermissionPolicy

tickets = ModelPermissionPolicy("wagtail_support.Ticket")
purchases = ModelPermissionPolicy("wagtail_support.Purchase")
products = ModelPermissionPolicy("wagtail_support.SupportedProduct")
outbox = ModelPermissionPolicy("wagtail_support.Notification")
inbound = ModelPermissionPolicy("wagtail_support.InboundMessage")


def may_map_references(user):
    """Mapping a shop reference to a product changes both the purchase and the product."""
    return purchases.user_has_permission(user, "change") and products.user_has_permission(user, "change")
