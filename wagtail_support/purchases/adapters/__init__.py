"""How shops report purchases: each adapter turns a shop's own message into a ``PurchaseData`` and sends
``purchase_completed`` / ``purchase_revoked``. Adapters know the signals, never the purchases service.

* ``partner`` - the generic signed JSON webhook (``POST <include>/webhooks/partners/<slug>/``);
* ``stripe`` - Stripe Checkout events (``POST <include>/webhooks/stripe/``);
* ``oscar`` - receivers for django-oscar's order signals;
* ``signing`` and ``delivery`` - the signature check, replay protection and request handling they share.

The CSV back-fill is ``manage.py support_import_purchases`` (``wagtail_support.purchases.importing``).
"""
