"""What a customer can expect: when the team usually answers, in words."""

from django.utils.translation import ngettext


def first_response_text(hours):
    """When the team usually answers, in words ("within 8 hours", "within 2 days"); "" without a target."""
    if not hours:
        return ""
    if hours % 24 == 0:
        days = hours // 24
        return ngettext(
            "The team usually answers within %(count)d day.",
            "The team usually answers within %(count)d days.",
            days,
        ) % {"count": days}
    return ngettext(
        "The team usually answers within %(count)d hour.",
        "The team usually answers within %(count)d hours.",
        hours,
    ) % {"count": hours}


def ticket_expectation(ticket):
    """When the team should answer ``ticket``, in words, from its own target ("" without one)."""
    if ticket.first_response_due_at is None or ticket.created_at is None:
        return ""
    hours = round((ticket.first_response_due_at - ticket.created_at).total_seconds() / 3600)
    return first_response_text(hours)
