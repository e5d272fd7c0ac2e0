"""Purchases become accounts and entitlements: the one place where that happens.

Adapters (Stripe, partners, django-oscar, CSV) send ``purchase_completed`` / ``purchase_revoked``
with a ``PurchaseData``; the receivers call these functions, and so do the admin and the tests.
"""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from wagtail_support.purchases import accounts
from wagtail_support.purchases.catalogue import products_by_reference
from wagtail_support.purchases.models import Entitlement, Purchase, PurchaseStatus
from wagtail_support.purchases.payload import PurchaseLine

RECORD_ATTEMPTS = 3


def record_purchase(data):
    """Record a paid order once, however often and however concurrently the shop reports it.

    Creates (or finds) the buyer's account, one entitlement per known product line, keeps
    unknown product references on the purchase for staff, and queues one e-mail: a welcome with
    a set-password link for a new buyer, "purchase added" for an existing one. An order none of whose
    lines names a known product is kept "unmapped" for staff (``map_reference``), with no account and
    no e-mail. A refunded or cancelled ``data.status`` revokes instead. Returns the ``Purchase``.
    """
    return record_order(data)[0]


def record_order(data):
    """``record_purchase``, returning ``(purchase, created)``: ``created`` only for the call that wrote
    the purchase, however many copies of the order raced it (the webhooks answer with it)."""
    if data.status != PurchaseStatus.PAID:
        return _revoke_order(data)
    order = {"source": data.source, "external_id": data.external_id}
    for attempt in range(RECORD_ATTEMPTS):
        if attempt and (existing := Purchase.objects.filter(**order).first()):
            return existing, False  # a repeated delivery: nothing to do
        try:
            with transaction.atomic():
                return _record_new(data, order), True
        except IntegrityError:  # this order or this buyer was recorded first, maybe a moment ago: look again
            if attempt == RECORD_ATTEMPTS - 1:
                raise
    return None, False  # pragma: no cover


def _record_new(data, order):
    # Written optimistically, without a look first and without a savepoint per row: when the order is
    # already there, its unique constraint rolls the whole attempt back, user included.
    products = products_by_reference({line.product_ref for line in data.lines})
    purchase = Purchase(
        **order,
        email=data.email,
        name=data.name,
        purchased_at=data.purchased_at,
        raw_payload=data.raw or data.as_json(),
    )
    if is_unmapped(data.lines, products):
        purchase.status = PurchaseStatus.UNMAPPED
        _, purchase.unknown_references = build_entitlements(purchase, data.lines, products)
        purchase.save(force_insert=True)
        return purchase
    purchase.customer, new_account = accounts.customer_for(data.email, data.name)
    entitlements, purchase.unknown_references = build_entitlements(purchase, data.lines, products)
    purchase.save(force_insert=True)
    Entitlement.objects.bulk_create(entitlements)
    accounts.open_support_account(purchase.customer, new_account)
    accounts.announce_purchase(purchase, new_account)
    return purchase


def revoke_purchase(data):
    """Refund or cancel an order: its entitlements (and themes claimed with them) stop giving support.

    Tickets stay readable. A revocation that arrives before the order itself is kept, so the
    late "paid" delivery finds a revoked purchase and grants nothing. Returns the ``Purchase``.
    """
    return _revoke_order(data)[0]


def _revoke_order(data):
    status = data.status if data.status != PurchaseStatus.PAID else PurchaseStatus.REFUNDED
    with transaction.atomic():
        purchase, created = Purchase.objects.select_for_update().get_or_create(
            source=data.source,
            external_id=data.external_id,
            defaults={
                "email": data.email,
                "name": data.name,
                "purchased_at": data.purchased_at,
                "status": status,
                "revoked_at": timezone.now(),
                "raw_payload": data.raw or data.as_json(),
            },
        )
        if not created and purchase.can_be_revoked:
            _revoke(purchase, status)
    return purchase, created


def revoke(purchase, status=PurchaseStatus.REFUNDED):
    """Revoke a recorded purchase (the admin's action)."""
    with transaction.atomic():
        purchase = Purchase.objects.select_for_update().get(pk=purchase.pk)
        if purchase.can_be_revoked:
            _revoke(purchase, status)
    return purchase


def _revoke(purchase, status):
    now = timezone.now()
    purchase.status = status
    purchase.revoked_at = now
    purchase.save(update_fields=["status", "revoked_at"])
    Entitlement.objects.filter(purchase=purchase).update(active=False, revoked_at=now)
    # Themes claimed with a revoked hosting plan lose their support too.
    Entitlement.objects.filter(granted_by__purchase=purchase, active=True).update(
        active=False, revoked_at=now
    )


def build_entitlements(purchase, lines, products):
    """The unsaved entitlements ``lines`` grant on ``purchase``, and the unknown lines (for staff).

    ``products`` maps references to products (``catalogue.products_by_reference``). The one place where the
    support period, installations and bundled claims of a purchase line are worked out.
    """
    entitlements, unknown = [], []
    for line in lines:
        product = products.get(line.product_ref)
        if product is None:
            unknown.append({"product_ref": line.product_ref, "title": line.title, "quantity": line.quantity})
            if line.support_until:  # kept, so that mapping the reference later grants what the shop said
                unknown[-1]["support_until"] = line.support_until.isoformat()
            continue
        entitlements.append(
            Entitlement(
                purchase=purchase,
                customer=purchase.customer,
                product=product,
                quantity=line.quantity,
                support_until=line.support_until or support_end(product, purchase.purchased_at),
                installations_allowed=product.installations_per_unit * line.quantity,
                bundled_claims_allowed=product.bundled_theme_claims * line.quantity,
            )
        )
    return entitlements, unknown


def is_unmapped(lines, products):
    """True when no line of an order names a known product: the order waits for staff to map it."""
    return not any(line.product_ref in products for line in lines)


def unknown_lines(purchase):
    """The purchase's unknown references as ``PurchaseLine``s, to be granted once they are mapped."""
    return [
        PurchaseLine(
            product_ref=item["product_ref"],
            title=item.get("title", ""),
            quantity=item.get("quantity", 1),
            support_until=date.fromisoformat(item["support_until"]) if item.get("support_until") else None,
        )
        for item in purchase.unknown_references or []
    ]


def support_end(product, purchased_at):
    """The last day of support for ``product`` bought at ``purchased_at``; None without support."""
    if not product.support_period_days:
        return None
    return timezone.localdate(purchased_at) + timedelta(days=product.support_period_days)
