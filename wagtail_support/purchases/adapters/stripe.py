"""Stripe Checkout: ``POST <include>/webhooks/stripe/``, signed by Stripe with ``STRIPE_WEBHOOK_SECRET``.

The ``Stripe-Signature`` header is verified over the raw body before anything in it is read. Handled:

* ``checkout.session.completed`` - recorded when ``payment_status`` is "paid" (or "no_payment_required",
  a fully discounted order); an "unpaid" session (bank debits, vouchers) waits for
* ``checkout.session.async_payment_succeeded`` - recorded;
* ``charge.refunded`` - when the charge is fully refunded, the purchase paid with its payment intent is
  revoked. Partial refunds change nothing.

Every other event type is answered 200 ``{"ignored": true}``, as Stripe expects a 2xx.

The purchase is ``source="stripe"``, ``external_id`` = the Checkout Session id (``cs_...``); its raw
payload is the session object, which holds ``payment_intent``: that is how a refund finds its purchase.
Products come from the session's ``line_items`` when the event has them expanded (``price.lookup_key``,
else ``price.product``), else from ``metadata.support_products`` = "ref:qty,ref2:qty".
"""

from dataclasses import replace

from wagtail_support.conf import support_settings
from wagtail_support.purchases.adapters import signing, webhooks
from wagtail_support.purchases.models import Purchase
from wagtail_support.purchases.payload import PayloadError, PurchaseData

SOURCE = "stripe"
SIGNATURE_HEADER = "Stripe-Signature"
PAID_STATUSES = ("paid", "no_payment_required")


class StripeWebhook:
    """The ``sender`` of the purchase signals for Stripe deliveries."""


def handle(request):
    """Verify and handle one Stripe event; return ``Recorded`` or ``Ignored``, or raise ``WebhookError``."""
    secret = support_settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise signing.UnknownEndpoint("Stripe webhooks are not enabled on this site.")
    body = webhooks.read_body(request)
    signature = signing.verify(
        request.headers.get(SIGNATURE_HEADER), body, secret, header_name=SIGNATURE_HEADER
    )
    event = webhooks.parse_json(body)
    event_type = event.get("type")
    obj = (event.get("data") or {}).get("object") if isinstance(event.get("data"), dict) else None
    if not isinstance(event_type, str) or not isinstance(obj, dict):
        raise signing.BadRequest("The body is not a Stripe event: 'type' and 'data.object' are required.")

    if event_type == "checkout.session.completed":
        if obj.get("payment_status") not in PAID_STATUSES:
            return webhooks.Ignored(
                "The session is not paid yet; it is recorded on checkout.session.async_payment_succeeded."
            )
        return _record_session(obj, signature)
    if event_type == "checkout.session.async_payment_succeeded":
        return _record_session(obj, signature)
    if event_type == "charge.refunded":
        return _refund(obj, signature)
    return webhooks.Ignored(f"Events of type {event_type!r} are not used by this site.")


def purchase_from_session(session):
    """The ``PurchaseData`` of a Checkout Session object; raises ``InvalidPayload`` when it cannot be one."""
    details = session.get("customer_details") or {}
    data = {
        "external_id": session.get("id"),
        "email": details.get("email") or session.get("customer_email"),
        "name": details.get("name") or "",
        "purchased_at": session.get("created"),
        "status": "paid",
        "lines": _lines(session),
    }
    try:
        purchase = PurchaseData.from_dict(data, source=SOURCE)
    except (PayloadError, ValueError) as error:
        raise signing.InvalidPayload(f"The Checkout Session cannot be recorded: {error}") from error
    return replace(purchase, raw=session)


def _record_session(session, signature):
    purchase = purchase_from_session(session)
    return webhooks.record(purchase, source=SOURCE, signature=signature)


def _refund(charge, signature):
    if not charge.get("refunded"):
        return webhooks.Ignored("The charge is only partly refunded; the purchase keeps its support.")
    payment_intent = charge.get("payment_intent")
    if isinstance(payment_intent, dict):
        payment_intent = payment_intent.get("id")
    if not payment_intent or not isinstance(payment_intent, str):
        raise signing.InvalidPayload("The refunded charge has no 'payment_intent' to find its purchase by.")
    recorded = (
        Purchase.objects.filter(source=SOURCE, raw_payload__payment_intent=payment_intent)
        .order_by("pk")
        .first()
    )
    if recorded is None:
        return webhooks.Ignored(f"No purchase was paid with payment intent {payment_intent!r}.")
    purchase = PurchaseData(
        source=SOURCE,
        external_id=recorded.external_id,
        email=recorded.email,
        name=recorded.name,
        purchased_at=recorded.purchased_at,
        status="refunded",
        raw=charge,
    )
    return webhooks.record(purchase, source=SOURCE, signature=signature)


def _lines(session):
    items = session.get("line_items")
    if isinstance(items, dict) and items.get("data"):
        return [_expanded_line(item) for item in items["data"] if isinstance(item, dict)]
    products = (session.get("metadata") or {}).get("support_products")
    if products:
        return _metadata_lines(products)
    raise signing.InvalidPayload(
        "The Checkout Session carries no products: expand 'line_items' in the event, or set "
        'metadata.support_products on the session (e.g. "aurora-theme:1,hosting-basic:1").'
    )


def _expanded_line(item):
    price = item.get("price") or {}
    product = price.get("product")
    if isinstance(product, dict):
        product = product.get("id")
    return {
        "product_ref": price.get("lookup_key") or product or "",
        "title": item.get("description") or "",
        "quantity": item.get("quantity") or 1,
    }


def _metadata_lines(value):
    lines = []
    for part in str(value).split(","):
        ref, _, quantity = part.strip().partition(":")
        quantity = quantity.strip() or "1"
        if not ref.strip() or not quantity.isdigit():
            raise signing.InvalidPayload(
                f'metadata.support_products must look like "ref:qty,ref2:qty"; {part.strip()!r} does not.'
            )
        lines.append({"product_ref": ref.strip(), "quantity": int(quantity)})
    return lines
