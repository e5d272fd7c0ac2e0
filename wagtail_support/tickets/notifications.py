"""The e-mails tickets send, all through the notification outbox: who is told what, and when.

E-mails carry the message text and a link to the ticket; never a log-in link.
"""

from django.urls import reverse
from django.utils import translation
from wagtail.admin.admin_url_finder import AdminURLFinder

from wagtail_support.conf import support_settings
from wagtail_support.customers.emails import notify_customer, notify_staff
from wagtail_support.customers.preferences import customer_language
from wagtail_support.customers.translations import translated_page
from wagtail_support.notifications.links import absolute_url, admin_url, page_url
from wagtail_support.notifications.render import register_context
from wagtail_support.tickets.expectations import ticket_expectation
from wagtail_support.tickets.people import customer_name, display_name
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
    """The ticket's admin screen, as the admin registers it (Wagtail's admin URL finder), else the
    dashboard."""
    path = AdminURLFinder().get_edit_url(ticket) or reverse("wagtailadmin_home")
    return admin_url(path, ticket.site_id)


def _context(ticket, message=None, **extra):
    context = {
        "reference": ticket.reference,
        "title": ticket.title,
        "product": ticket.product.name,
        "customer_name": customer_name(ticket.customer),
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
        if not message.from_staff and message.author is not None:
            # Who of the customer's side wrote: the customer or a colleague they added.
            context.update(
                writer_name=customer_name(message.author),
                writer_email=message.author.email,
            )
    return context


def _customer_context(ticket, message=None, **extra):
    """The context of an e-mail to the customer, its words (the status) in the customer's language."""
    with translation.override(customer_language(ticket.customer)):
        return _context(ticket, message, ticket_url=customer_ticket_url(ticket), **extra)


def customer_side(ticket):
    """The ticket's customer, then each colleague on it: who gets the customer's e-mails of a ticket."""
    from wagtail_support.tickets.models import TicketColleague

    colleagues = TicketColleague.objects.filter(ticket=ticket).select_related("user")
    return [ticket.customer, *(colleague.user for colleague in colleagues)]


def _notify_customer_side(kind, ticket, context_for, dedupe_key, but=None):
    """``kind`` to the customer and each colleague (except the user whose pk is ``but``), each in their
    own language and with their own key."""
    for user in customer_side(ticket):
        if user.pk == but:
            continue
        key = dedupe_key if user.pk == ticket.customer_id else f"{dedupe_key}:colleague:{user.pk}"
        with translation.override(customer_language(user)):
            context = context_for()
        notify_customer(kind, user, context, dedupe_key=key)


def colleague_added(ticket, colleague):
    """Tell a colleague they were added; a new account gets its set-password link (sent fresh)."""
    context = _context(
        ticket,
        ticket_url=customer_ticket_url(ticket),
        added_by=customer_name(ticket.customer),
        user_id=colleague.user_id,
    )
    notify_customer(
        "ticket_colleague_added",
        colleague.user,
        context,
        dedupe_key=f"colleague:{ticket.pk}:{colleague.user_id}:{colleague.pk}",
    )


@register_context("ticket_colleague_added")
def _colleague_context(context):
    from django.contrib.auth import get_user_model

    from wagtail_support.purchases import accounts

    user = get_user_model().objects.filter(pk=context.get("user_id")).first()
    if user is None or not accounts.is_setup_pending(user):
        return {"setup_pending": False}
    return {"setup_pending": True, "set_password_url": absolute_url(accounts.set_password_path(user))}


def ticket_opened(ticket, message):
    staff_context = _context(ticket, message, ticket_url=staff_ticket_url(ticket))
    # Each address once, in order.
    for address in dict.fromkeys([*team_addresses(ticket), *assignee_addresses(ticket)]):
        notify_staff(
            "ticket_opened_staff", address, staff_context, dedupe_key=f"ticket-opened:{ticket.pk}:{address}"
        )
    with translation.override(customer_language(ticket.customer)):
        expectation = ticket_expectation(ticket)
    notify_customer(
        "ticket_opened_customer",
        ticket.customer,
        _customer_context(ticket, message, expectation=expectation),
        dedupe_key=f"ticket-opened-customer:{ticket.pk}",
    )


def message_posted(ticket, message):
    if message.from_staff:
        # A reply that closed the ticket says so, and for how long a reply reopens it: one e-mail.
        closed = {"closed": True, "reopen_days": support_settings.REOPEN_DAYS} if ticket.is_closed else {}
        _notify_customer_side(
            "ticket_reply_customer",
            ticket,
            lambda: _context(ticket, message, ticket_url=customer_ticket_url(ticket), **closed),
            dedupe_key=f"message:{message.pk}:customer",
        )
        return
    staff_context = _context(ticket, message, ticket_url=staff_ticket_url(ticket))
    for address in staff_recipients(ticket):
        notify_staff(
            "ticket_reply_staff", address, staff_context, dedupe_key=f"message:{message.pk}:{address}"
        )
    # The others on the customer's side (the customer, their colleagues) read what one of them wrote.
    _notify_customer_side(
        "ticket_reply_colleague",
        ticket,
        lambda: _context(ticket, message, ticket_url=customer_ticket_url(ticket)),
        dedupe_key=f"message:{message.pk}:customer",
        but=message.author_id,
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
        _notify_customer_side(
            "ticket_status_customer",
            ticket,
            lambda: _context(ticket, ticket_url=customer_ticket_url(ticket)),
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
    _notify_customer_side(
        "ticket_auto_closed",
        ticket,
        lambda: _context(ticket, ticket_url=customer_ticket_url(ticket), days=days),
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
