"""django-oscar: an order placed becomes a purchase; an order moved to a revoking status revokes it.

Install with ``pip install "wagtail-support[oscar]"`` and connect once, in one of your AppConfigs::

    def ready(self):
        from wagtail_support.purchases.adapters import oscar

        oscar.connect()

Oscar sends ``order_placed(sender, order, user)`` and ``order_status_changed(sender, order, old_status,
new_status)``. The purchase is ``source="oscar"``, ``external_id`` = ``order.number``; each line's product
reference is its ``partner_sku``, else its UPC (the line's, then the product's). Statuses listed in
``WAGTAIL_SUPPORT["OSCAR_REVOKED_STATUSES"]`` revoke. A receiver never breaks the checkout: an order it
cannot read is logged and left out.
"""

import logging
from dataclasses import replace

from wagtail_support.conf import support_settings
from wagtail_support.purchases.payload import PayloadError, PurchaseData
from wagtail_support.signals import purchase_completed, purchase_revoked

SOURCE = "oscar"
logger = logging.getLogger(__name__)


class OscarOrders:
    """The ``sender`` of the purchase signals for django-oscar orders."""


def connect(order_placed=None, order_status_changed=None):
    """Connect the receivers to Oscar's signals (or to the given ones). Safe to call more than once."""
    if order_placed is None or order_status_changed is None:
        from oscar.core.loading import get_class

        order_placed = order_placed or get_class("order.signals", "order_placed")
        order_status_changed = order_status_changed or get_class("order.signals", "order_status_changed")
    order_placed.connect(on_order_placed, dispatch_uid="wagtail_support.oscar.order_placed")
    order_status_changed.connect(
        on_order_status_changed, dispatch_uid="wagtail_support.oscar.order_status_changed"
    )


def on_order_placed(sender, order, user=None, **kwargs):
    purchase = purchase_from_order(order, user=user)
    if purchase is not None:
        purchase_completed.send(sender=OscarOrders, purchase=purchase)


def on_order_status_changed(sender, order, old_status=None, new_status=None, **kwargs):
    if new_status not in support_settings.OSCAR_REVOKED_STATUSES:
        return
    status = "refunded" if "refund" in str(new_status).lower() else "cancelled"
    purchase = purchase_from_order(order, status=status)
    if purchase is not None:
        purchase_revoked.send(sender=OscarOrders, purchase=purchase)


def purchase_from_order(order, *, user=None, status="paid"):
    """The ``PurchaseData`` of an Oscar order, or None (logged) when the order cannot be one."""
    user = user or getattr(order, "user", None)
    lines = [_line(line) for line in order.lines.all()]
    data = {
        "external_id": str(order.number),
        "email": getattr(order, "email", "") or getattr(user, "email", ""),
        "name": _name(order, user),
        "purchased_at": getattr(order, "date_placed", None),
        "status": status,
        "lines": [line for line in lines if line["product_ref"]],
    }
    try:
        purchase = PurchaseData.from_dict(data, source=SOURCE)
    except (PayloadError, ValueError) as error:
        logger.error("Oscar order %s gives no support purchase: %s", data["external_id"], error)
        return None
    skipped = len(lines) - len(data["lines"])
    if skipped:
        logger.warning("Oscar order %s: %d line(s) without SKU or UPC left out.", order.number, skipped)
    return replace(purchase, raw={})  # the audit copy is then the normalised payload: JSON, not models


def _line(line):
    product = getattr(line, "product", None)
    reference = getattr(line, "partner_sku", "") or getattr(line, "upc", "") or getattr(product, "upc", "")
    return {"product_ref": reference or "", "title": line.title or "", "quantity": line.quantity}


def _name(order, user):
    if user is not None and (full_name := user.get_full_name()):
        return full_name
    for address in ("billing_address", "shipping_address"):
        if (found := getattr(order, address, None)) is not None and getattr(found, "name", ""):
            return found.name
    return ""
