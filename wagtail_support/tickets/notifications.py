"""The e-mails tickets send, all through the notification outbox: who is told what, and when.

E-mails carry the message text and a link to the ticket; never a log-in link.
"""

from django.urls import NoReverseMatch, reverse

from wagtail_support.degrade import subpage_url
from wagtail_support.notifications.links import absolute_url
from wagtail_support.notifications.outbox import notify


def team_addresses():
    from wagtail_support.sitesettings import default_site_settings

    return default_site_settings().team_email_list


def assignee_addresses(ticket):
    return [ticket.assignee.email] if ticket.assignee_id and ticket.assignee.email else []


def staff_recipients(ticket):
    """The assignee when there is one, else the team addresses of the support settings."""
    return assignee_addresses(ticket) or team_addresses()


def customer_ticket_url(ticket):
    from wagtail_support.tickets.pages import support_page

    page = support_page()
    if page is None:
        return ""
    return absolute_url(subpage_url(None, page, "ticket_route", ticket.reference))


def staff_ticket_url(ticket):
    try:
        return absolute_url(reverse("wagtail_support_tickets:inspect", args=[ticket.pk]))
    except NoReverseMatch:
        return absolute_url(reverse("wagtailadmin_home"))


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
        context.update(message_text=message.body, message_html=message.body_html)
    return context


def ticket_opened(ticket, message):
    staff_context = _context(ticket, message, ticket_url=staff_ticket_url(ticket))
    for address in dict.fromkeys([*team_addresses(), *assignee_addresses(ticket)]):  # each once, in order
        notify(
            "ticket_opened_staff", address, staff_context, dedupe_key=f"ticket-opened:{ticket.pk}:{address}"
        )
    notify(
        "ticket_opened_customer",
        ticket.customer.email,
        _context(ticket, message, ticket_url=customer_ticket_url(ticket)),
        dedupe_key=f"ticket-opened-customer:{ticket.pk}",
    )


def message_posted(ticket, message):
    if message.from_staff:
        notify(
            "ticket_reply_customer",
            ticket.customer.email,
            _context(ticket, message, ticket_url=customer_ticket_url(ticket)),
            dedupe_key=f"message:{message.pk}:customer",
        )
        return
    staff_context = _context(ticket, message, ticket_url=staff_ticket_url(ticket))
    for address in staff_recipients(ticket):
        notify("ticket_reply_staff", address, staff_context, dedupe_key=f"message:{message.pk}:{address}")


def status_changed(ticket, by):
    """Tell the other side that the ticket was closed or reopened."""
    key = f"status:{ticket.pk}:{ticket.status}:{ticket.last_activity_at.timestamp()}"
    if by.pk == ticket.customer_id:
        context = _context(ticket, ticket_url=staff_ticket_url(ticket))
        for address in assignee_addresses(ticket):
            notify("ticket_status_staff", address, context, dedupe_key=f"{key}:{address}")
    else:
        notify(
            "ticket_status_customer",
            ticket.customer.email,
            _context(ticket, ticket_url=customer_ticket_url(ticket)),
            dedupe_key=f"{key}:customer",
        )


def assigned(ticket, by):
    notify(
        "ticket_assigned",
        ticket.assignee.email,
        _context(
            ticket, ticket_url=staff_ticket_url(ticket), assigned_by=by.get_full_name() or by.get_username()
        ),
        dedupe_key=f"assigned:{ticket.pk}:{ticket.assignee_id}:{ticket.last_activity_at.timestamp()}",
    )


def auto_closed(ticket, days):
    """Tell the customer that their ticket was closed after ``days`` days without an answer."""
    notify(
        "ticket_auto_closed",
        ticket.customer.email,
        _context(ticket, ticket_url=customer_ticket_url(ticket), days=days),
        dedupe_key=f"auto-closed:{ticket.pk}:{ticket.closed_at.timestamp()}",
    )


def breach_warning(ticket):
    """Remind the assignee (or the team) once that a ticket is about to miss its first-response target."""
    context = _context(
        ticket, ticket_url=staff_ticket_url(ticket), due_at=ticket.first_response_due_at.isoformat()
    )
    for address in staff_recipients(ticket):
        notify("ticket_breach_warning", address, context, dedupe_key=f"breach:{ticket.pk}:{address}")


def merged(duplicate, target):
    """Tell the customer that their ticket continues in another one."""
    notify(
        "ticket_merged",
        duplicate.customer.email,
        _context(
            duplicate,
            ticket_url=customer_ticket_url(target),
            target_reference=target.reference,
            target_title=target.title,
        ),
        dedupe_key=f"merged:{duplicate.pk}:{target.pk}",
    )
