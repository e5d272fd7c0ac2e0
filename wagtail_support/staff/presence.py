"""Who else has a ticket open, and who is writing: collision warnings by short polling.

Each open ticket screen posts a heartbeat every few seconds; the cache keeps, per ticket, the agents
seen in the last ``PRESENCE_SECONDS``. No WebSocket server; an unreachable cache means no warnings,
never a failed page.
"""

import time

from django.core.cache import cache

from wagtail_support.degrade import from_cache
from wagtail_support.tickets.models import Message
from wagtail_support.tickets.people import display_name

PRESENCE_SECONDS = 20
POLL_SECONDS = 5


def _key(ticket_id):
    return f"wagtail_support:presence:{ticket_id}"


def heartbeat(ticket_id, user, typing=False, now=None):
    """Note that ``user`` has the ticket open (and whether they are writing); returns the others."""
    now = now or time.time()
    seen = from_cache(lambda: cache.get(_key(ticket_id)), default={}, what="ticket presence") or {}
    seen = {pk: entry for pk, entry in seen.items() if now - entry["at"] < PRESENCE_SECONDS}
    seen[user.pk] = {"name": display_name(user), "typing": bool(typing), "at": now}
    from_cache(lambda: cache.set(_key(ticket_id), seen, PRESENCE_SECONDS * 2), what="ticket presence")
    return [
        {"name": entry["name"], "typing": entry["typing"]}
        for pk, entry in sorted(seen.items())
        if pk != user.pk
    ]


def leave(ticket_id, user):
    seen = from_cache(lambda: cache.get(_key(ticket_id)), default={}, what="ticket presence") or {}
    if seen.pop(user.pk, None) is not None:
        from_cache(lambda: cache.set(_key(ticket_id), seen, PRESENCE_SECONDS * 2), what="ticket presence")


def newest_message_id(ticket_id):
    return (
        Message.objects.filter(ticket_id=ticket_id).order_by("-pk").values_list("pk", flat=True).first() or 0
    )


def newer_messages(ticket_id, seen, user):
    """Messages written by others since the message ``seen`` (the newest when the page was drawn)."""
    if seen is None:
        return Message.objects.none()
    return Message.objects.filter(ticket_id=ticket_id, pk__gt=seen).exclude(author=user)
