"""The one seam where an unreachable cache degrades instead of failing a request.

Django's cache is a help, never the record: rate limits, the outbox's note of a delivery and the
URLs built after a commit must still answer when Redis is down. Each such call goes through
``from_cache``, which logs the error and returns the fallback.
"""

import logging

logger = logging.getLogger("wagtail_support.cache")


def from_cache(call, default=None, what="a cache call"):
    """``call()``, or ``default`` (logged) when the cache cannot be reached."""
    try:
        return call()
    except Exception:
        logger.warning("The cache cannot be reached (%s); carrying on without it.", what, exc_info=True)
        return default


def page_url(page, request):
    """``page``'s URL for links and redirects built after a commit.

    Wagtail reads its site root paths from the cache; when that fails, the URL is worked out from the
    site that serves ``request`` (the database), the way Wagtail does for a page under that site's root.
    """
    url = from_cache(lambda: page.get_url(request), what="Wagtail's site root paths")
    if url is not None:
        return url
    from wagtail.models import Site

    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    root = site.root_page.url_path if site else "/"
    path = page.url_path
    return "/" + path[len(root) :] if path.startswith(root) else path


def page_site_id(page, request=None):
    """The id of the Wagtail site that serves ``page`` (None when none does), read like ``page_url``.

    Wagtail reads its site root paths from the cache; when that fails, the sites whose root holds the
    page are read from the database: the one serving ``request`` first, then the default, then the
    deepest root.
    """
    missing = object()
    parts = from_cache(lambda: page.get_url_parts(request), default=missing, what="Wagtail's site root paths")
    if parts is not missing:
        return parts[0] if parts else None
    from wagtail.models import Site

    sites = [s for s in Site.objects.select_related("root_page") if page.path.startswith(s.root_page.path)]
    if not sites:
        return None
    serving = Site.find_for_request(request) if request is not None else None
    sites.sort(key=lambda s: (s != serving, not s.is_default_site, -len(s.root_page.path)))
    return sites[0].pk


def subpage_url(request, page, route, *args):
    """The URL of one of a routable page's routes (``page_url`` + the route)."""
    return page_url(page, request) + page.reverse_subpage(route, args=args)
