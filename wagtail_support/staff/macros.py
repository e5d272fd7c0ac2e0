"""Canned responses as macros: placeholders filled for one ticket, and what a macro does on send."""

import re

from django.utils.formats import date_format

from wagtail_support.staff.models import PLACEHOLDERS
from wagtail_support.tickets import services, workflow
from wagtail_support.tickets.people import display_name

PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def placeholder_values(ticket, agent):
    """What each placeholder stands for on ``ticket`` written by ``agent``."""
    customer = ticket.customer
    support_until = ticket.entitlement.support_until if ticket.entitlement_id else None
    return {
        "first_name": customer.first_name or customer.get_full_name() or "",
        "product": ticket.product.name,
        "support_until": date_format(support_until, "DATE_FORMAT") if support_until else "",
        "agent_name": display_name(agent, for_customer=True),
        "reference": ticket.reference,
    }


def fill(text, values):
    """``text`` with its known placeholders replaced; other braces are left alone."""
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def macros_for(ticket, agent, responses):
    """The ticket's canned responses, filled, for the page's script (``json_script``)."""
    if not responses:
        return []
    values = placeholder_values(ticket, agent)
    return [
        {
            "id": response.pk,
            "title": response.title,
            "body": fill(response.body, values),
            "actions": describe_actions(response),
        }
        for response in responses
    ]


def describe_actions(response):
    """What the macro also does on send, in words, for the agent to see before sending."""
    from django.utils.translation import gettext as _

    done = []
    if response.set_status:
        done.append(_("status: %(status)s") % {"status": response.get_set_status_display()})
    if response.set_priority:
        done.append(_("priority: %(priority)s") % {"priority": response.get_set_priority_display()})
    if response.assign_to_sender:
        done.append(_("assign to you"))
    if response.add_tags:
        done.append(_("tags: %(tags)s") % {"tags": response.add_tags})
    return "; ".join(done)


def apply_on_send(macro, ticket, agent):
    """The macro's priority, assignee and tags (its status is the caller's, with the send button)."""
    from wagtail_support.tickets.tags import parse_tags

    if macro.set_priority:
        ticket = workflow.set_priority(ticket, macro.set_priority, agent)
    if macro.assign_to_sender and ticket.assignee_id != agent.pk:
        ticket = services.assign(ticket, agent, agent)
    if macro.add_tags:
        ticket = workflow.add_tags(ticket, parse_tags(macro.add_tags), agent)
    return ticket
