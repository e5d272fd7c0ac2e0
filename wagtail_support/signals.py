"""Public signals of wagtail-support.

Shop adapters send these; the app's receivers turn them into accounts and entitlements.
The payload contract is documented in docs/signals.md.
"""

from django.dispatch import Signal

#: Sent when a shop reports a paid order. ``purchase`` is a normalised purchase payload.
purchase_completed = Signal()

#: Sent when a shop reports a refund or cancellation. ``purchase`` as above.
purchase_revoked = Signal()
