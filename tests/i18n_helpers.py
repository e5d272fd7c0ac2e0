"""Spanish beside English in tests: the es locale and Spanish translations of pages and policies."""

from django.core.cache import cache
from wagtail.models import Locale


def spanish():
    return Locale.objects.get_or_create(language_code="es")[0]


def translate_page(page, **fields):
    """A published Spanish translation of ``page`` (its parents translated as needed)."""
    cache.clear()  # Wagtail caches the site root paths, which now gain the Spanish home
    translated = page.copy_for_translation(spanish(), copy_parents=True)
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save_revision().publish()
    translated.refresh_from_db()
    for ancestor in translated.get_ancestors().filter(depth__gt=1, live=False):
        ancestor.specific.save_revision().publish()
    cache.clear()
    return translated
