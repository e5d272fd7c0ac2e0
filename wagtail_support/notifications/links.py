"""Absolute links for e-mails, which are rendered in a worker without a request.

The one place that knows which scheme and host a link gets. For a link on a Wagtail site:

1. a site with a real hostname (not ``localhost``, a loopback address or empty) gets its own root URL,
   unless ``WAGTAIL_SUPPORT["BASE_URL"]`` (else ``WAGTAILADMIN_BASE_URL``) names that same hostname:
   then that setting, which carries the scheme and port the owner means (``https`` behind a proxy);
2. a site without a real hostname (a fresh ``wagtail start`` site still says ``localhost``) gets
   ``BASE_URL``, else ``WAGTAILADMIN_BASE_URL``, else its own root URL.

So in an install with several sites each site's e-mails link to that site, and a one-site install
whose ``Site`` record was never edited still links to the address the owner configured. Links to the
Wagtail admin use ``WAGTAILADMIN_BASE_URL`` (where agents are signed in) before any site.
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from wagtail.models import Site

from wagtail_support.conf import support_settings
from wagtail_support.degrade import url_parts

LOCAL_HOSTNAMES = {"", "localhost", "localhost.localdomain"}


def wagtailadmin_base_url():
    return (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").rstrip("/")


def configured_base_url():
    """``WAGTAIL_SUPPORT["BASE_URL"]``, else ``WAGTAILADMIN_BASE_URL``, else "" (no trailing slash)."""
    return (support_settings.BASE_URL or "").rstrip("/") or wagtailadmin_base_url()


def is_local_hostname(hostname):
    """True for names no customer's mailbox can reach: empty, ``localhost``, a loopback address."""
    hostname = (hostname or "").lower().rstrip(".")
    if hostname in LOCAL_HOSTNAMES or hostname.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def base_url_for_root(root_url):
    """The scheme and host of links on the site whose root URL is ``root_url`` (the rule above)."""
    root_url = (root_url or "").rstrip("/")
    configured = configured_base_url()
    hostname = urlsplit(root_url).hostname
    if is_local_hostname(hostname):
        return configured or root_url
    if configured and urlsplit(configured).hostname == hostname:
        return configured
    return root_url


def default_site():
    return Site.objects.filter(is_default_site=True).first()


def base_url(site=None):
    """The scheme and host of links on ``site`` (a ``Site`` or its id); the default site when None."""
    if isinstance(site, int):
        site = Site.objects.filter(pk=site).first()
    site = site or default_site()
    return base_url_for_root(site.root_url if site else "")


def absolute_url(path, site=None):
    """``path`` (starting with "/") as a full URL a customer can open from their mailbox, on ``site``
    (a ``Site`` or its id; the default Wagtail site when None)."""
    return base_url(site) + path


def page_url(page, subpath=""):
    """The full URL of ``page`` (plus a route of it, ``subpath``) on the page's own site; "" when the
    page is not reachable on any site."""
    parts = url_parts(page, None, page.get_url_parts)
    if parts is None:
        return ""
    _site_id, root_url, page_path = parts
    return base_url_for_root(root_url) + page_path + subpath


def admin_url(path, site=None):
    """``path`` in the Wagtail admin: on ``WAGTAILADMIN_BASE_URL`` when set, else as ``absolute_url``
    (``site`` is only read then)."""
    admin_base = wagtailadmin_base_url()
    return admin_base + path if admin_base else absolute_url(path, site)
