from django.utils.functional import SimpleLazyObject
from wagtail.models import Site


def _menu_pages(request):
    site = Site.find_for_request(request)
    if site is None:
        return []
    # The home page in the visitor's language (Wagtail's i18n), else the site's root.
    return list(site.root_page.localized.get_children().live().in_menu().specific())


def site_menu(request):
    """The live pages under the site's root that editors marked "show in menus".

    Looked up only when a template shows the menu: admin pages, e-mails and the like never do.
    """
    return {"site_menu": SimpleLazyObject(lambda: _menu_pages(request))}
