"""The customer's language is the one they first sign in with (the set-password page signs them in)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation

from wagtail_support.customers.preferences import remember_language


@receiver(user_logged_in, dispatch_uid="wagtail_support.remember_language")
def remember_first_language(sender, request, user, **kwargs):
    if request is None or user.is_staff:  # staff read the admin in their own Wagtail language
        return
    remember_language(user, getattr(request, "LANGUAGE_CODE", None) or translation.get_language())
