"""The site menu: the live pages under the site's root that editors marked "show in menus".

Every page of the site shows it, so its links are kept in the cache, per site and language, and
dropped whenever a page is published, unpublished, moved or deleted, or a site changes. With the
cache down the menu is read from the database, as before it was cached.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import translation
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from wagtail_support.degrade import from_cache, page_url

#: Long enough to spare the database on busy pages; the signals below refresh it sooner.
CACHE_SECONDS = 3600


class MenuItem:
    def __init__(self, url, title):
        self.url, self.title = url, title


def cache_key(site_id, language):
    return f"example_site:menu:{site_id}:{language}"


def read_menu(site):
    # The home page in the visitor's language (Wagtail's i18n), else the site's root.
    pages = site.root_page.localized.get_children().live().in_menu().specific()
    return [(page_url(page, None), page.title) for page in pages]


def menu_for(site):
    """``[MenuItem]`` of ``site`` in the active language, from the cache when it holds them."""
    key = cache_key(site.pk, translation.get_language())
    items = from_cache(lambda: cache.get(key), what="the site menu")
    if items is None:
        items = read_menu(site)
        from_cache(lambda: cache.set(key, items, CACHE_SECONDS), what="the site menu")
    return [MenuItem(url, title) for url, title in items]


def forget_menus(**kwargs):
    """Drop every cached menu: a page's title, place or state changed."""
    keys = [
        cache_key(site_id, language)
        for site_id in Site.objects.values_list("pk", flat=True)
        for language, _name in settings.LANGUAGES
    ]
    from_cache(lambda: cache.delete_many(keys), what="the site menu")


def connect():
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(forget_menus, dispatch_uid=f"example_site.menu.{signal!r}")
    post_delete.connect(forget_menus, sender=Page, dispatch_uid="example_site.menu.post_delete")
    post_save.connect(forget_menus, sender=Site, dispatch_uid="example_site.menu.site")
