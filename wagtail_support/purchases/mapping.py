"""Unknown product references: staff map one to a supported product, and the orders waiting for it are
granted what they bought.

An order none of whose lines the site knows is recorded "unmapped" (``services.record_purchase``): no
account, no entitlement, no e-mail. Mapping a reference adds it to the product's shop references (so the
next orders are recognised straight away) and re-processes the purchase: its now-known lines become
entitlements; an unmapped order becomes paid, its buyer gets an account (or finds theirs) and the usual
e-mail. A mixed order (some lines known) gets the entitlements of its newly mapped lines.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from wagtail_support.purchases import accounts, services
from wagtail_support.purchases.catalogue import products_by_reference
from wagtail_support.purchases.models import (
    Entitlement,
    ProductReference,
    Purchase,
    PurchaseStatus,
)


class MappingError(ValueError):
    """The reference cannot be mapped; the message says why, for the person who tried."""


def map_reference(purchase, reference, product):
    """Make ``reference`` a shop reference of ``product``, then grant ``purchase``'s lines with it."""
    if reference not in {item["product_ref"] for item in purchase.unknown_references or []}:
        raise MappingError(
            _("“%(reference)s” is not an unknown reference of this order.") % {"reference": reference}
        )
    with transaction.atomic():
        known = ProductReference.objects.select_related("product").filter(reference=reference).first()
        if known is not None and known.product_id != product.pk:
            raise MappingError(
                _("“%(reference)s” is already a shop reference of %(product)s.")
                % {"reference": reference, "product": known.product}
            )
        if known is None:
            ProductReference.objects.create(product=product, reference=reference)
        return reprocess(purchase)


def reprocess(purchase):
    """Grant the lines of ``purchase`` whose references are known now; returns the purchase, up to date."""
    with transaction.atomic():
        purchase = Purchase.objects.select_for_update().get(pk=purchase.pk)
        if purchase.status not in (PurchaseStatus.PAID, PurchaseStatus.UNMAPPED):
            return purchase  # refunded or cancelled meanwhile: nothing to grant
        lines = services.unknown_lines(purchase)
        products = products_by_reference({line.product_ref for line in lines})
        if services.is_unmapped(lines, products):
            return purchase
        was_unmapped, new_account = purchase.is_unmapped, False
        if purchase.customer_id is None:
            purchase.customer, new_account = accounts.customer_for(purchase.email, purchase.name)
        entitlements, purchase.unknown_references = services.build_entitlements(purchase, lines, products)
        Entitlement.objects.bulk_create(entitlements)
        purchase.status = PurchaseStatus.PAID
        purchase.save(update_fields=["customer", "status", "unknown_references"])
        if was_unmapped:
            accounts.open_support_account(purchase.customer, new_account)
            accounts.announce_purchase(purchase, new_account)
    return purchase
