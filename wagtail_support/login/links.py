"""Where customers log in; imported by pages, views and e-mails alike."""

from django.shortcuts import resolve_url

from wagtail_support.conf import support_settings


def login_url():
    """``WAGTAIL_SUPPORT["LOGIN_URL"]`` (a URL, a path or a URL name), else the app's log-in page."""
    return resolve_url(support_settings.LOGIN_URL or "wagtail_support:login")
