from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from example_site.home.menu import menu_for


def _menu_items(request):
    site = Site.find_for_request(request)
    return menu_for(site) if site is not None else []


def site_menu(request):
    """The live pages under the site's root that editors marked "show in menus" (``home.menu``).

    Looked up only when a template shows the menu: admin pages, e-mails and the like never do.
    """
    return {"site_menu": SimpleLazyObject(lambda: _menu_items(request))}
