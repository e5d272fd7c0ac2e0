"""Which Wagtail site a ticket belongs to, and what follows from it: that site's support settings and
its support page (where e-mails link).

A ticket belongs to the support page it was opened from and to that page's site. A ticket opened
elsewhere (the admin, a command, the demo) goes with the customer's latest ticket, else with the
default site and its first support page.
"""

from wagtail.models import Site

from wagtail_support.degrade import page_site_id
from wagtail_support.links import first_support_page, support_pages
from wagtail_support.sitesettings import settings_for_site


def site_id_of_page(page, request=None):
    """The id of the Wagtail site that serves ``page``, or None when no site does (cache outage: see
    ``degrade.page_site_id``)."""
    return page_site_id(page, request)


def origin_of_new_ticket(customer, page=None, request=None):
    """``(site_id, support_page_id)`` for a ticket ``customer`` opens from ``page`` (a support page)."""
    if page is not None:
        return site_id_of_page(page, request), page.pk
    from wagtail_support.tickets.models import Ticket

    latest = (
        Ticket.objects.filter(customer=customer, site__isnull=False)
        .order_by("-created_at", "-pk")
        .values_list("site_id", "support_page_id")
        .first()
    )
    if latest:
        return latest
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    page = first_support_page(site) if site else None
    return (site.pk if site else None), (page.pk if page else None)


def ticket_settings(ticket):
    """The support settings of the ticket's own site (the default site's when it has none)."""
    return settings_for_site(ticket.site_id)


def ticket_support_page(ticket):
    """Where the customer follows ``ticket``: the live support page it was opened from, else the first
    one of its site, else any; None while there is none."""
    if ticket.support_page_id is not None and (
        page := _page_in_hand(ticket) or support_pages().filter(pk=ticket.support_page_id).first()
    ):
        return page
    site = Site.objects.filter(pk=ticket.site_id).first() if ticket.site_id else None
    return (first_support_page(site) if site else None) or first_support_page()


def _page_in_hand(ticket):
    """The support page the ticket holds already (``open_ticket`` keeps the page it was opened from),
    when it is live and serves the support section; else None."""
    field = type(ticket)._meta.get_field("support_page")
    page = field.get_cached_value(ticket, default=None)
    if page is None or not page.live or not getattr(page, "serves_support_section", False):
        return None
    return page
