"""How the customer's language and time zone are chosen, remembered and read.

- Language: the one active when the customer first signs in (set by ``LocaleMiddleware`` or
  ``i18n_patterns`` from the page they are on), until they choose another on the Preferences page.
  Before that (an e-mail of a purchase), the language active at the time, else the site's default.
- Time zone: the one their browser reports on their first signed-in visit (``support.js``), until
  they choose another; before that, the server's (``TIME_ZONE``).
- Staff e-mails use the agent's Wagtail admin language, else the site's default.
"""

import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import get_user_model

from wagtail_support.customers.models import CustomerProfile


def available_languages():
    """``(code, name)`` of the languages a customer may choose: the site's content languages when it
    uses Wagtail's i18n, else ``LANGUAGES``."""
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return list(getattr(settings, "WAGTAIL_CONTENT_LANGUAGES", None) or settings.LANGUAGES)
    return list(settings.LANGUAGES)


def supported_language(code):
    """``code`` as one of ``available_languages()`` (``es-mx`` → ``es``), or None."""
    if not code:
        return None
    codes = [language for language, _name in available_languages()]
    code = code.lower()
    for candidate in (code, code.split("-")[0]):
        if candidate in codes:
            return candidate
    return None


def default_language():
    return supported_language(settings.LANGUAGE_CODE) or settings.LANGUAGE_CODE


@lru_cache(maxsize=1)
def time_zone_names():
    return sorted(zoneinfo.available_timezones())


def valid_zone(name):
    """The IANA zone called ``name``, or None when there is none by that name."""
    if not name or name not in time_zone_names():
        return None
    return zoneinfo.ZoneInfo(name)


#: Where ``profile_of`` keeps a user object's profile, so that one request (or task) reads it once.
PROFILE_MEMO = "_wagtail_support_profile"
_UNREAD = object()


def profile_of(user):
    """The profile of ``user`` (a user or a user's id), or None; never writes (pages read it on GET).

    Read once per user object: a page, and the e-mails a request queues, ask for the same customer's
    language, zone and e-mail choices several times. ``remember_*`` keep the memo up to date.
    """
    user_id = getattr(user, "pk", user)
    if not user_id:
        return None
    is_object = user_id is not user
    if is_object and (memo := getattr(user, PROFILE_MEMO, _UNREAD)) is not _UNREAD:
        return memo
    profile = CustomerProfile.objects.filter(user_id=user_id).first()
    if is_object:
        setattr(user, PROFILE_MEMO, profile)
    return profile


def _remember(user, profile):
    if getattr(user, "pk", user) is not user:
        setattr(user, PROFILE_MEMO, profile)
    return profile


def customer_language(user):
    """The language of ``user``'s e-mails: theirs, else the site's default.

    Not the language active now: that is whoever's request queues the e-mail (an agent's admin).
    """
    profile = profile_of(user)
    language = supported_language(profile.language) if profile is not None else None
    return language or default_language()


def customer_zone_name(user):
    profile = profile_of(user)
    return profile.time_zone if profile and valid_zone(profile.time_zone) else ""


def remember_language(user, language):
    """Keep ``language`` as the customer's unless they already have one. Returns the profile."""
    language = supported_language(language)
    if language is None:
        return profile_of(user)
    profile, _created = CustomerProfile.objects.get_or_create(user=user)
    if not profile.language:
        profile.language = language
        profile.save(update_fields=["language", "updated_at"])
    return _remember(user, profile)


def remember_zone(user, name):
    """Keep the browser's zone ``name`` unless the customer has one; False when it is no IANA zone."""
    if valid_zone(name) is None:
        return False
    profile, _created = CustomerProfile.objects.get_or_create(user=user)
    if not profile.time_zone:
        profile.time_zone = name
        profile.save(update_fields=["time_zone", "updated_at"])
    _remember(user, profile)
    return True


def staff_language(address):
    """The Wagtail admin language of the staff user at ``address``, else the site's default."""
    from wagtail.users.models import UserProfile

    user = get_user_model().objects.filter(email__iexact=address, is_active=True).first() if address else None
    profile = UserProfile.objects.filter(user=user).first() if user is not None else None
    if profile is not None and (language := supported_language(profile.preferred_language)):
        return language
    return default_language()


def current_zone_name():
    from django.utils import timezone

    return timezone.get_current_timezone_name()
