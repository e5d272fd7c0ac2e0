"""Events of a ticket's timeline: status, priority, assignee, merge, tag and rating changes.

Written by the ticket services beside the change itself (one writer: ``record``); read by the staff
ticket screen and, for the events meant for them, by the customer's ticket page (``timeline``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class EventKind(models.TextChoices):
    STATUS = "status", gettext_lazy("Status changed")
    PRIORITY = "priority", gettext_lazy("Priority changed")
    ASSIGNEE = "assignee", gettext_lazy("Assignee changed")
    TAGS = "tags", gettext_lazy("Tags changed")
    MERGED_INTO = "merged_into", gettext_lazy("Merged into another ticket")
    MERGED_FROM = "merged_from", gettext_lazy("Another ticket merged into this one")
    UNMERGED = "unmerged", gettext_lazy("Merge undone")
    RATED = "rated", gettext_lazy("Rated")


# Events the customer sees on their ticket page; the others stay with the team.
PUBLIC_KINDS = {EventKind.STATUS, EventKind.MERGED_INTO, EventKind.MERGED_FROM, EventKind.UNMERGED}


class TicketEvent(models.Model):
    """One change to a ticket, shown as a small line in its timeline."""

    ticket = models.ForeignKey(
        "wagtail_support.Ticket",
        verbose_name=gettext_lazy("ticket"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(gettext_lazy("kind"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    public = models.BooleanField(gettext_lazy("shown to the customer"), default=False)
    data = models.JSONField(gettext_lazy("details"), default=dict, blank=True)
    created_at = models.DateTimeField(gettext_lazy("at"), auto_now_add=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = gettext_lazy("ticket event")
        verbose_name_plural = gettext_lazy("ticket events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="wsupport_event_ticket")]

    def __str__(self):
        return f"{self.ticket_id} {self.kind}"

    @property
    def is_event(self):
        return True

    def describe(self, actor_name="", status_label=None):
        """The event in one sentence, in the active language (``status_label``: how a status reads
        to this reader)."""
        data, who = self.data, actor_name or _("Someone")
        if self.kind == EventKind.STATUS and data.get("automatic_days"):
            return _("The ticket was closed automatically after %(days)d days without an answer.") % {
                "days": data["automatic_days"]
            }
        if self.kind == EventKind.STATUS:
            return _("%(who)s changed the status to “%(status)s”.") % {
                "who": who,
                "status": (status_label or _status_label)(data.get("to")),
            }
        if self.kind == EventKind.PRIORITY:
            return _("%(who)s changed the priority to “%(priority)s”.") % {
                "who": who,
                "priority": _priority_label(data.get("to")),
            }
        if self.kind == EventKind.ASSIGNEE:
            if not data.get("to_name"):
                return _("%(who)s unassigned the ticket.") % {"who": who}
            return _("%(who)s assigned the ticket to %(name)s.") % {"who": who, "name": data["to_name"]}
        if self.kind == EventKind.TAGS:
            return _("%(who)s set the tags: %(tags)s.") % {
                "who": who,
                "tags": ", ".join(data.get("to") or []) or _("none"),
            }
        if self.kind == EventKind.MERGED_INTO:
            return _("%(who)s merged this ticket into %(reference)s.") % {
                "who": who,
                "reference": data.get("reference", ""),
            }
        if self.kind == EventKind.MERGED_FROM:
            return _("%(who)s merged %(reference)s into this ticket.") % {
                "who": who,
                "reference": data.get("reference", ""),
            }
        if self.kind == EventKind.UNMERGED:
            return _("%(who)s undid the merge of %(duplicate)s into %(target)s.") % {
                "who": who,
                "duplicate": data.get("duplicate", ""),
                "target": data.get("target", ""),
            }
        if self.kind == EventKind.RATED:
            score = data.get("score")
            return _("%(who)s rated the ticket %(score)s out of 5.") % {"who": who, "score": score}
        return self.get_kind_display()


def _status_label(value):
    from wagtail_support.tickets.models import TicketStatus

    return dict(TicketStatus.choices).get(value, value or "")


def _priority_label(value):
    from wagtail_support.tickets.models import TicketPriority

    return dict(TicketPriority.choices).get(value, value or "")


def record(ticket, kind, actor=None, public=None, **data):
    """Add an event to ``ticket``'s timeline (public by default for the kinds customers see)."""
    event = TicketEvent.objects.create(
        ticket_id=ticket.pk,
        kind=kind,
        actor=actor,
        public=kind in PUBLIC_KINDS if public is None else public,
        data=data,
    )
    log_action(ticket, kind, actor, data)
    return event


def log_action(ticket, action, user=None, data=None):
    """Write ``action`` on ``ticket`` to Wagtail's audit log (shown in the ticket's history)."""
    from wagtail.log_actions import log

    log(ticket, f"{LOG_PREFIX}{action}", user=user if getattr(user, "pk", None) else None, data=data or {})


LOG_PREFIX = "wagtail_support.ticket."
LOG_ACTIONS = {
    **{kind.value: kind.label for kind in EventKind},
    "reply": gettext_lazy("Reply sent to the customer"),
    "note": gettext_lazy("Internal note added"),
}


def register_log_actions(actions):
    """Wagtail hook ``register_log_actions``: the ticket actions' labels in the audit log."""
    for action, label in LOG_ACTIONS.items():
        actions.register_action(f"{LOG_PREFIX}{action}", label, label)


def timeline(ticket, messages, for_customer=False):
    """``messages`` and the ticket's events, oldest first (events meant for the customer only when
    ``for_customer``); one query for the events."""
    events = TicketEvent.objects.filter(ticket_id=ticket.pk).select_related("actor")
    if for_customer:
        events = events.filter(public=True)
    return sorted([*messages, *events], key=lambda item: (item.created_at, item.pk))
