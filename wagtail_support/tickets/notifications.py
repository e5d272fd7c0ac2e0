"""The e-mails tickets send, all through the notification outbox: who is told what, and when.

E-mails carry the message text and a link to the ticket; never a log-in link.
"""

from django.urls import NoReverseMatch, reverse
from django.utils import translation

from wagtail_support.customers.emails import notify_customer, notify_staff
from wagtail_support.customers.preferences import customer_language
from wagtail_support.customers.translations import translated_page
from wagtail_support.notifications.links import admin_url, page_url
from wagtail_support.tickets.people import display_name
from wagtail_support.tickets.sites import ticket_settings, ticket_support_page


def team_addresses(ticket, settings=None):
    """The team addresses of the ticket's own site (``settings``: that site's, when already read)."""
    return (settings or ticket_settings(ticket)).team_email_list


def assignee_addresses(ticket):
    return [ticket.assignee.email] if ticket.assignee_id and ticket.assignee.email else []


def staff_recipients(ticket, settings=None):
    """The assignee when there is one, else the team addresses of the ticket's site."""
    return assignee_addresses(ticket) or team_addresses(ticket, settings)


def customer_ticket_url(ticket):
    """The ticket on the support page it was opened from, on that page's site, in the customer's
    language when the page has a translation in it."""
    page = ticket_support_page(ticket)
    if page is None:
        return ""
    page = translated_page(page, customer_language(ticket.customer))
    return page_url(page, page.reverse_subpage("ticket_route", args=[ticket.reference]))


def staff_ticket_url(ticket):
    try:
        path = reverse("wagtail_support_tickets:inspect", args=[ticket.pk])
    except NoReverseMatch:
        path = reverse("wagtailadmin_home")
    return admin_url(path, ticket.site_id)


def _context(ticket, message=None, **extra):
    context = {
        "reference": ticket.reference,
        "title": ticket.title,
        "product": ticket.product.name,
        "customer_name": ticket.customer.get_full_name() or ticket.customer.email,
        "customer_email": ticket.customer.email,
        "status": ticket.get_status_display(),
        **extra,
    }
    if message is not None:
        context.update(
            message_text=message.body,
            message_html=message.body_html,
            message_at=message.created_at.isoformat(),
            # An agent signs by name (never by address); a customer's own message needs no signature.
            author_name=display_name(message.author, for_customer=True) if message.from_staff else "",
        )
    return context


def _customer_context(ticket, message=None, **extra):
    """The context of an e-mail to the customer, its words (the status) in the customer's language."""
    with translation.override(customer_language(ticket.customer)):
        return _context(ticket, message, ticket_url=customer_ticket_url(ticket), **extra)


def ticket_opened(ticket, message):
    staff_context = _context(ticket, message, ticket_url=staff_ticket_url(ticket))
    # Each address once, in order.
    for address in dict.fromkeys([*team_addresses(ticket), *assignee_addresses(ticket)]):
        notify_staff(
            "ticket_opened_staff", address, staff_context, dedupe_key=f"ticket-opened:{ticket.pk}:{address}"
        )
    notify_customer(
        "ticket_opened_customer",
        ticket.customer,
        _customer_context(ticket, message),
        dedupe_key=f"ticket-opened-customer:{ticket.pk}",
    )


def message_posted(ticket, message):
    if message.from_staff:
        notify_customer(
            "ticket_reply_customer",
            ticket.customer,
            _customer_context(ticket, message),
            dedupe_key=f"message:{message.pk}:customer",
        )
        return
    staff_context = _context(ticket, message, ticket_url=staff_ticket_url(ticket))
    for address in staff_recipients(ticket):
        notify_staff(
            "ticket_reply_staff", address, staff_context, dedupe_key=f"message:{message.pk}:{address}"
        )


def status_changed(ticket, by):
    """Tell the other side that the ticket was closed or reopened."""
    key = f"status:{ticket.pk}:{ticket.status}:{ticket.last_activity_at.timestamp()}"
    if by.pk == ticket.customer_id:
        # The assignee, or the site's team when nobody has the ticket: a customer's close or reopen
        # is never lost.
        context = _context(ticket, ticket_url=staff_ticket_url(ticket))
        for address in staff_recipients(ticket):
            notify_staff("ticket_status_staff", address, context, dedupe_key=f"{key}:{address}")
    else:
        notify_customer(
            "ticket_status_customer",
            ticket.customer,
            _customer_context(ticket),
            dedupe_key=f"{key}:customer",
        )


def assigned(ticket, by):
    notify_staff(
        "ticket_assigned",
        ticket.assignee.email,
        _context(ticket, ticket_url=staff_ticket_url(ticket), assigned_by=display_name(by)),
        dedupe_key=f"assigned:{ticket.pk}:{ticket.assignee_id}:{ticket.last_activity_at.timestamp()}",
    )


def auto_closed(ticket, days):
    """Tell the customer that their ticket was closed after ``days`` days without an answer."""
    notify_customer(
        "ticket_auto_closed",
        ticket.customer,
        _customer_context(ticket, days=days),
        dedupe_key=f"auto-closed:{ticket.pk}:{ticket.closed_at.timestamp()}",
    )


def breach_warning(ticket, settings=None):
    """Remind the assignee (or the team of the ticket's site, whose ``settings`` a periodic job passes)
    once that a ticket is about to miss its first-response target."""
    context = _context(
        ticket, ticket_url=staff_ticket_url(ticket), due_at=ticket.first_response_due_at.isoformat()
    )
    for address in staff_recipients(ticket, settings):
        notify_staff("ticket_breach_warning", address, context, dedupe_key=f"breach:{ticket.pk}:{address}")


def merged(duplicate, target):
    """Tell the customer that their ticket continues in another one."""
    with translation.override(customer_language(duplicate.customer)):
        context = _context(
            duplicate,
            ticket_url=customer_ticket_url(target),
            target_reference=target.reference,
            target_title=target.title,
        )
    notify_customer(
        "ticket_merged",
        duplicate.customer,
        context,
        dedupe_key=f"merged:{duplicate.pk}:{target.pk}",
    )
