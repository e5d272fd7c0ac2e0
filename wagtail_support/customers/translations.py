"""Wagtail's i18n at display time: a page or a policy in a given (or the active) language.

Everything that stores a page or a policy (products, support settings, tickets) keeps pointing at the
default locale's; the translation is picked when it is shown or linked.
"""

from django.conf import settings
from wagtail.models import Locale


def i18n_enabled():
    return getattr(settings, "WAGTAIL_I18N_ENABLED", False)


def locale_for(language):
    """The Wagtail locale of ``language`` (None: the active one), or None when the site has none."""
    if not i18n_enabled():
        return None
    try:
        return Locale.get_active() if language is None else Locale.objects.get_for_language(language)
    except (Locale.DoesNotExist, LookupError):
        return None


def translated_page(page, language=None):
    """``page``'s live translation in ``language`` (the active one when None), else ``page``."""
    locale = locale_for(language)
    if page is None or locale is None or page.locale_id == locale.pk:
        return page
    translation = page.get_translation_or_none(locale)
    return translation.specific if translation is not None and translation.live else page
