"""How shops report purchases: each adapter turns a shop's own message into a ``PurchaseData``.

The webhooks (``partner``, ``stripe``) hand it to the purchases service, which answers with
``(purchase, created)`` for their reply; in-process shops (``oscar``, a site's own code) send the signals
``purchase_completed`` / ``purchase_revoked``, which ``purchases.receivers`` connects to the same service.

* ``partner`` - the generic signed JSON webhook (``POST <include>/webhooks/partners/<slug>/``);
* ``stripe`` - Stripe Checkout events (``POST <include>/webhooks/stripe/``);
* ``oscar`` - receivers for django-oscar's order signals;
* ``signing`` and ``webhooks`` - the signature check, replay protection and request handling they share.

The CSV back-fill is ``manage.py support_import_purchases`` (``wagtail_support.purchases.importing``).
"""
