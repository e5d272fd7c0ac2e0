"""The coverage policy as the customer pages show it, rendered once and kept in Django's cache.

The new-ticket form shows the policy of the product chosen (four queries and a template each time); it
is the same HTML for every customer who chooses that product on that site in that language, so it is
kept under those, and all of it is dropped (a new generation) when a policy, a product, the support
settings, a site or a page changes. ``CACHE_SECONDS`` bounds what a change made around the ORM's
signals (``QuerySet.update``) could leave. With the cache down the policy is rendered afresh.
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from wagtail_support.degrade import from_cache

GENERATION_KEY = "wagtail_support:coverage:generation"
CACHE_SECONDS = 600


def _generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    return generation


def cached_html(site_id, product_id, render):
    """``render()`` (the policy's HTML) for this site, product (None: the site's default policy) and
    the active language, from the cache when it holds it."""
    generation = from_cache(_generation, what="the coverage policy")
    if generation is None:
        return render()
    key = f"wagtail_support:coverage:{generation}:{site_id}:{product_id}:{translation.get_language()}"
    html = from_cache(lambda: cache.get(key), what="the coverage policy")
    if html is None:
        html = render()
        from_cache(lambda: cache.set(key, html, CACHE_SECONDS), what="the coverage policy")
    return html


def _new_generation():
    from_cache(lambda: cache.set(GENERATION_KEY, uuid.uuid4().hex, None), what="the coverage policy")


def forget(**kwargs):
    """Signal receiver: every kept policy is rendered afresh, now and again once the change is
    committed (a page rendered in between, in another process, read the old rows)."""
    _new_generation()
    transaction.on_commit(_new_generation)
