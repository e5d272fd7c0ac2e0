"""The customer's language is the one they first sign in with (the set-password page signs them in)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from wagtail_support.customers.preferences import remember_language


@receiver(user_logged_in, dispatch_uid="wagtail_support.remember_language")
def remember_first_language(sender, request, user, **kwargs):
    # The language LocaleMiddleware chose for this request (none without it, e.g. force_login); staff
    # read the admin in their own Wagtail language.
    language = getattr(request, "LANGUAGE_CODE", None)
    if language and not user.is_staff:
        remember_language(user, language)
