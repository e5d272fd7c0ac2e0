"""Which supported product a shop reference names, without a query for every purchase.

Each process keeps the products it has looked up. Saving or deleting a product or a reference
changes a version token in Django's cache, and every lookup compares it: with a shared cache (Redis,
Memcached) an edit in the admin reaches every web and worker process at once; with a per-process cache
the other processes see it within ``MAX_AGE`` seconds. A reference not seen yet is always looked up,
so a product added a moment ago is recognised everywhere straight away. When the cache cannot be
reached, products are looked up in the database every time: purchases never wait for the cache.
"""

import logging
import time
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail_support.purchases.models import ProductReference, SupportedProduct

logger = logging.getLogger(__name__)

VERSION_KEY = "wagtail_support:catalogue-version"
MAX_AGE = 60  # seconds a process trusts what it looked up, whatever the cache says


class _Known:
    """What this process has looked up: replaced whole, never changed in place, so threads can share it."""

    def __init__(self, version):
        self.version = version
        self.loaded_at = time.monotonic()
        self.products = {}  # reference -> SupportedProduct


_known = _Known(None)


def products_by_reference(references):
    """``{reference: SupportedProduct}`` for the known ones among ``references``."""
    global _known
    known, version = _known, _current_version()
    if known.version != version or time.monotonic() - known.loaded_at > MAX_AGE:
        known = _known = _Known(version)
    found = {ref: known.products[ref] for ref in references if ref in known.products}
    if missing := set(references) - found.keys():
        for ref in ProductReference.objects.filter(reference__in=missing).select_related("product"):
            found[ref.reference] = known.products[ref.reference] = ref.product
    return found


def forget():
    """Make every process look its products up again (called whenever a product or reference changes)."""
    global _known
    _known = _Known(None)
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    except Exception:  # the other processes see the change within MAX_AGE
        logger.warning("Could not tell other processes that a supported product changed.", exc_info=True)


def _current_version():
    try:
        version = cache.get(VERSION_KEY)
        if version is None:  # first use, or the cache was cleared: a new token makes everyone look again
            version = uuid.uuid4().hex
            if not cache.add(VERSION_KEY, version, None):
                version = cache.get(VERSION_KEY, version)
    except Exception:  # no cache, no trust: a token nobody else has means "look it up"
        logger.warning("The cache cannot be reached; looking products up in the database.", exc_info=True)
        version = uuid.uuid4().hex
    return version


@receiver([post_save, post_delete], sender=SupportedProduct, dispatch_uid="wagtail_support.catalogue")
@receiver([post_save, post_delete], sender=ProductReference, dispatch_uid="wagtail_support.catalogue")
def _changed(sender, **kwargs):
    forget()
    # Another process may read the old rows until this transaction commits: tell it again then.
    transaction.on_commit(forget, robust=True)
