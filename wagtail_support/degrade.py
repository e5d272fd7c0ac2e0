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


MISSING = object()


def page_url(page, request):
    """``page``'s URL for links and redirects built after a commit.

    Wagtail reads its site root paths from the cache; when that fails, the URL is worked out from the
    site that serves ``request`` (the database), the way Wagtail does for a page under that site's root.
    """
    url = from_cache(lambda: page.get_url(request), what="Wagtail's site root paths")
    if url is not None:
        return url
    parts = url_parts_from_database(page, request)
    return parts[2] if parts else page.url_path


def url_parts(page, request, get_url_parts):
    """``get_url_parts(request)`` (Wagtail's ``(site_id, root_url, page_path)``), or the same read from
    the database when the cache cannot be reached."""
    parts = from_cache(lambda: get_url_parts(request), default=MISSING, what="Wagtail's site root paths")
    return url_parts_from_database(page, request) if parts is MISSING else parts


def url(page, request, get_url):
    """``get_url()`` (a page's URL, relative within the site of ``request``), or its path read from the
    database when the cache cannot be reached."""
    found = from_cache(get_url, default=MISSING, what="Wagtail's site root paths")
    if found is not MISSING:
        return found
    parts = url_parts_from_database(page, request)
    return parts[2] if parts else None


def url_parts_from_database(page, request=None):
    """``(site_id, root_url, page_path)`` of ``page`` from the ``Site`` rows: the site serving ``request``
    first, then the default, then the deepest root holding the page; None when no site holds it."""
    from wagtail.models import Site

    sites = [s for s in Site.objects.select_related("root_page") if page.path.startswith(s.root_page.path)]
    if not sites:
        return None
    serving = Site.find_for_request(request) if request is not None else None
    sites.sort(key=lambda s: (s != serving, not s.is_default_site, -len(s.root_page.path)))
    site = sites[0]
    root, path = site.root_page.url_path, page.url_path
    return site.pk, site.root_url, "/" + path[len(root) :] if path.startswith(root) else path


def page_site_id(page, request=None):
    """The id of the Wagtail site that serves ``page`` (None when none does), read like ``page_url``."""
    parts = from_cache(lambda: page.get_url_parts(request), default=MISSING, what="Wagtail's site root paths")
    if parts is MISSING:
        parts = url_parts_from_database(page, request)
    return parts[0] if parts else None


def subpage_url(request, page, route, *args):
    """The URL of one of a routable page's routes (``page_url`` + the route)."""
    return page_url(page, request) + page.reverse_subpage(route, args=args)
