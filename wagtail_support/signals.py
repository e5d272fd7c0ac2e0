"""Public signals of wagtail-support.

Shop adapters send these; the app's receivers turn them into accounts and entitlements.
The payload contract is documented in docs/shop-integration.md.
"""

from django.dispatch import Signal

#: Sent when a shop reports a paid order, with ``purchase``: a
#: ``wagtail_support.purchases.payload.PurchaseData`` (source, external_id, email, name,
#: purchased_at, lines[product_ref, title, quantity], status). Safe to send many times.
purchase_completed = Signal()

#: Sent when a shop reports a refund or cancellation, with ``purchase`` as above and
#: ``status`` "refunded" or "cancelled". The purchase's entitlements stop giving support.
purchase_revoked = Signal()
