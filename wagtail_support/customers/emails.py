"""E-mails to a customer carry their language (on the outbox row) and time zone (in its context).

Stored when the e-mail is queued rather than looked up when it is sent: the row then says by
itself how it will be rendered (the outbox admin shows it), the worker reads no profile per row,
and the request that queues it (an agent's, in their own admin language) cannot leak its language
into the customer's e-mail.
"""

from wagtail_support.customers.preferences import customer_language, customer_zone_name, staff_language
from wagtail_support.customers.profile import wants_email
from wagtail_support.notifications.outbox import notify


def customer_options(user):
    """``(language, extra context)`` for an e-mail to ``user``."""
    return customer_language(user), {"time_zone": customer_zone_name(user)}


def notify_customer(kind, user, context, dedupe_key=None):
    """Queue ``kind`` for ``user``, unless they turned that kind of e-mail off on their profile."""
    if not wants_email(user, kind):
        return None
    language, extra = customer_options(user)
    return notify(kind, user.email, {**context, **extra}, dedupe_key=dedupe_key, language=language)


def notify_staff(kind, address, context, dedupe_key=None):
    return notify(kind, address, context, dedupe_key=dedupe_key, language=staff_language(address))
