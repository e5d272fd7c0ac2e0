"""The generic partner webhook: a shop posts the normalised purchase as JSON, signed with its own secret.

    POST <include>/webhooks/partners/<slug>/
    Content-Type: application/json
    X-Support-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the partner's secret>

    {"external_id": "1042", "email": "ann@example.com", "name": "Ann", "status": "paid",
     "purchased_at": "2025-05-01T10:00:00Z", "lines": [{"product_ref": "aurora", "quantity": 1}]}

Secrets come from ``WAGTAIL_SUPPORT["PARTNER_WEBHOOK_SECRETS"]`` (``{"slug": "secret"}``). The purchase's
source is ``partner:<slug>``, so two partners' order numbers never collide. "paid" records the order;
"refunded" and "cancelled" revoke it.
"""

from wagtail_support.conf import support_settings
from wagtail_support.purchases.adapters import signing, webhooks
from wagtail_support.purchases.payload import PayloadError, PurchaseData

SIGNATURE_HEADER = "X-Support-Signature"


class PartnerWebhook:
    """The ``sender`` of the purchase signals for partner deliveries."""


def source_for(slug):
    return f"partner:{slug}"


def handle(request, slug):
    """Verify and record one partner delivery; return ``webhooks.Recorded`` or raise ``WebhookError``."""
    secret = support_settings.PARTNER_WEBHOOK_SECRETS.get(slug)
    if not secret:
        raise signing.UnknownEndpoint(f"No partner webhook is set up for {slug!r}.")
    body = webhooks.read_body(request)
    signature = signing.verify(
        request.headers.get(SIGNATURE_HEADER), body, secret, header_name=SIGNATURE_HEADER
    )
    source = source_for(slug)
    try:
        purchase = PurchaseData.from_dict(webhooks.parse_json(body), source=source)
    except PayloadError as error:
        raise signing.InvalidPayload(str(error)) from error
    except ValueError as error:  # a well-formed but impossible date, e.g. 2025-02-30
        raise signing.InvalidPayload(f"The payload holds an impossible date: {error}.") from error
    return webhooks.record(purchase, source=source, signature=signature)
