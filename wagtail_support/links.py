"""Where the support section is: its pages and their URL, for every layer that links to it.

The support section is any live page whose type is built from ``SupportPageMixin`` (it sets
``serves_support_section``); the types are found with Wagtail's ``get_page_models()``, so this module
imports no page type and the packages below ``tickets`` (log-in, set-password, e-mails) can use it.
"""

from wagtail.models import Page, get_page_models

from wagtail_support import degrade
from wagtail_support.customers.translations import translated_page


def support_page_models():
    """Every page type that serves the support section."""
    return [model for model in get_page_models() if getattr(model, "serves_support_section", False)]


def support_pages(site=None):
    """Live support pages of every type, in tree order, as their specific pages; within ``site`` when
    given."""
    pages = Page.objects.live().type(*support_page_models()).order_by("path")
    return (pages.in_site(site) if site is not None else pages).specific()


def first_support_page(site=None):
    """The first live support page of ``site`` (of any site when None), or None."""
    return support_pages(site).first()


def support_page_url(site=None):
    """URL of the support section (of ``site`` first, when given), or None when there is none yet."""
    page = (first_support_page(site) if site else None) or first_support_page()
    if page is None:
        return None
    page = translated_page(page)
    return degrade.url(page, None, page.get_url)  # the cache down: the path from the database
