"""Absolute links for e-mails, which are rendered in a worker without a request."""

from django.conf import settings
from wagtail.models import Site

from wagtail_support.conf import support_settings


def base_url():
    """``WAGTAIL_SUPPORT["BASE_URL"]``, else ``WAGTAILADMIN_BASE_URL``, else the default site's root URL."""
    configured = support_settings.BASE_URL or getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    if configured:
        return configured.rstrip("/")
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url.rstrip("/") if site else ""


def absolute_url(path):
    """``path`` (starting with "/") as a full URL a customer can open from their mailbox."""
    return base_url() + path
