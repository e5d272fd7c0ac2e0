"""Colleagues on a ticket: people the customer adds by e-mail address.

A colleague gets the ticket's e-mails and, once their account is set up (the same set-password link a
buyer gets), may read and reply to that ticket, and no other. Staff see who is on it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from wagtail_support.purchases import accounts
from wagtail_support.tickets import notifications
from wagtail_support.tickets.models import Ticket, TicketColleague

MAX_COLLEAGUES = 10


class ColleagueError(ValidationError):
    """The address cannot be added; the message says why, in the customer's words."""


def visible_to(user, queryset=None):
    """The tickets ``user`` may read on the support pages: their own and those they were added to."""
    on_it = TicketColleague.objects.filter(ticket=OuterRef("pk"), user=user)
    return (Ticket.objects.all() if queryset is None else queryset).filter(Q(customer=user) | Exists(on_it))


def add_colleague(ticket, by, email):
    """Add the person at ``email`` to ``ticket`` (its customer only); they are e-mailed at once."""
    if by.pk != ticket.customer_id:
        raise PermissionDenied
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ColleagueError(_("Enter an e-mail address, for example sam@example.com.")) from error
    if email.lower() == (ticket.customer.email or "").lower():
        raise ColleagueError(_("That is your own address: you are already on this ticket."))
    with transaction.atomic():
        if TicketColleague.objects.filter(ticket=ticket).count() >= MAX_COLLEAGUES:
            raise ColleagueError(
                _("A ticket can have at most %(count)d colleagues.") % {"count": MAX_COLLEAGUES}
            )
        user, created = accounts.customer_for(email)
        if created:
            accounts.open_support_account(user, new_account=True)
        if TicketColleague.objects.filter(ticket=ticket, user=user).exists():
            raise ColleagueError(_("%(email)s is already on this ticket.") % {"email": email})
        colleague = TicketColleague.objects.create(ticket=ticket, user=user, email=email, added_by=by)
        notifications.colleague_added(ticket, colleague)
    return colleague


def remove_colleague(ticket, by, colleague_id):
    """Take a colleague off the ticket (its customer only); they can no longer see it."""
    if by.pk != ticket.customer_id:
        raise PermissionDenied
    TicketColleague.objects.filter(ticket=ticket, pk=colleague_id).delete()


def colleague_users(ticket):
    """The users on ``ticket`` besides its customer, for its e-mails."""
    return [
        colleague.user for colleague in TicketColleague.objects.filter(ticket=ticket).select_related("user")
    ]
