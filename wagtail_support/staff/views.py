"""The ticket screen and its actions. Thin: every change goes through ``tickets.services``/``workflow``.

Permissions come from the viewset's permission policy (``view``, ``change``, ``reply``, ``assign``
on Ticket), so the menu, the queue and these views agree.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Window, prefetch_related_objects
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic import InspectView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from wagtail_support import permissions
from wagtail_support.purchases.models import CustomerAccount, Entitlement, Installation
from wagtail_support.staff import macros, presence
from wagtail_support.staff.forms import (
    AssignForm,
    ConfirmForm,
    MergeForm,
    PriorityForm,
    ReplyForm,
    StatusForm,
    TicketPanelForm,
)
from wagtail_support.staff.models import CannedResponse
from wagtail_support.tickets import events, services, workflow
from wagtail_support.tickets.markdown import render_markdown
from wagtail_support.tickets.models import Attachment, Message, Ticket, TicketStatus
from wagtail_support.tickets.people import display_name

URL_NAMESPACE = "wagtail_support_tickets"
OTHER_TICKETS_SHOWN = 10


def ticket_url(ticket):
    return reverse(f"{URL_NAMESPACE}:inspect", args=[ticket.pk])


def conversation(ticket, messages_=None):
    """The ticket's messages and events, oldest first, with authors and attachments (see
    ``ticket_messages``; one query for the events when ``messages_`` are given).

    Messages that came from a merged ticket carry ``merged_from`` (its reference), so they do not
    blend into the conversation.
    """
    if messages_ is None:
        messages_ = ticket_messages(ticket)
    items = events.timeline(ticket, messages_)
    origin = {}
    for item in items:
        if getattr(item, "is_event", False):
            item.text = item.describe(display_name(item.actor) if item.actor_id else "")
            if item.kind == events.EventKind.MERGED_FROM:
                origin.update(dict.fromkeys(item.data.get("messages", []), item.data.get("reference")))
        else:
            item.author_name = display_name(item.author)
    for item in items:
        if not getattr(item, "is_event", False):
            item.merged_from = origin.get(item.pk)
    return items


def ticket_messages(ticket):
    """The ticket's messages with their authors and attachments (``attachment_list``): one query, and
    a second only when a message has files (most conversations have none)."""
    messages_ = list(
        Message.objects.filter(ticket=ticket)
        .select_related("author")
        .annotate(has_attachments=Exists(Attachment.objects.filter(message=OuterRef("pk"))))
    )
    with_files = [message for message in messages_ if message.has_attachments]
    prefetch_related_objects(with_files, "attachments")
    for message in messages_:
        message.attachment_list = list(message.attachments.all()) if message.has_attachments else []
    return messages_


# What each send button does to the status after the reply.
SEND_ACTIONS = {
    "send": TicketStatus.AWAITING_STAFF,
    "reply": TicketStatus.AWAITING_CUSTOMER,
    "reply_close": TicketStatus.CLOSED,
}


def customer_context(ticket):
    """What the agent should know about the customer: products, sites, other tickets, account state."""
    customer = ticket.customer
    entitlements = (
        Entitlement.objects.filter(customer=customer)
        .select_related("product", "purchase")
        .prefetch_related(
            Prefetch(
                "installations",
                queryset=Installation.objects.filter(released_at__isnull=True),
                to_attr="active_installations",
            )
        )
        .order_by("-active", "-support_until", "pk")
    )
    # The first few of the customer's other tickets and how many there are, in one query: the count is
    # a window over every matching row, taken before the LIMIT.
    others = list(
        Ticket.objects.filter(customer=customer)
        .exclude(pk=ticket.pk)
        .only("pk", "title", "status")
        .annotate(total=Window(Count("pk")))[:OTHER_TICKETS_SHOWN]
    )
    return {
        "entitlements": list(entitlements),
        "other_tickets": others,
        "other_ticket_count": others[0].total if others else 0,
        "account": _account(customer),
    }


def _account(customer):
    """The customer's account record, or None: read from the join of ``TicketScreenView.get_object``."""
    try:
        return customer.support_account
    except CustomerAccount.DoesNotExist:
        return None


class TicketScreenView(InspectView):
    """One ticket: the conversation, the reply form, actions and the customer's context.

    Opening it clears the team's unread flag. POST is the reply form: "insert" and "preview"
    only redraw the form; "reply" and "note" send.
    """

    template_name = "wagtail_support/admin/tickets/ticket.html"
    page_title = gettext_lazy("Ticket")
    any_permission_required = None
    permission_required = "view"

    def get_object(self, queryset=None):
        # What every ticket screen shows, in one query. Each further join costs more to plan and build
        # than it saves (measured with bench/admin_queue.py), so the site, the entitlement (macros'
        # placeholders) and the ticket it was merged into are read only when the ticket has one.
        return get_object_or_404(
            Ticket.objects.select_related("customer__support_account", "product", "assignee"), pk=self.pk
        )

    def get_fields(self):
        return []

    def get_page_subtitle(self):
        return str(self.object)

    @cached_property
    def can_reply(self):
        return self.user_has_permission("reply")

    def canned_responses(self):
        return CannedResponse.objects.for_product(self.object.product_id and self.object.product)

    @cached_property
    def canned_list(self):
        """The canned responses offered on this ticket, read once for the form's choices and the macros."""
        return list(self.canned_responses())

    def reply_form(self, **kwargs):
        """An unbound reply form whose canned-response choices come from ``canned_list`` (no query)."""
        form = ReplyForm(canned_responses=self.canned_responses(), **kwargs)
        field = form.fields["canned"]
        field.choices = [
            ("", field.empty_label),
            *((r.pk, field.label_from_instance(r)) for r in self.canned_list),
        ]
        return form

    def get(self, request, *args, **kwargs):
        services.mark_read(self.object, request.user)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.can_reply:
            raise PermissionDenied
        form = ReplyForm(request.POST, request.FILES, canned_responses=self.canned_responses())
        action = request.POST.get("action", "reply")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(reply_form=form))
        body = form.cleaned_data["body"] or ""
        if action == "insert":  # without the page's script: the filled text, drawn again
            return self.insert_without_script(form, body)
        if action == "preview":
            return self.render_to_response(
                self.get_context_data(reply_form=form, preview=render_markdown(body) or "")
            )
        internal = action == "note"
        if not internal and action not in SEND_ACTIONS:
            action = "reply"
        newer = presence.newer_messages(self.object.pk, form.cleaned_data["seen"], request.user)
        if not internal and not form.cleaned_data["send_anyway"] and newer.exists():
            return self.render_to_response(
                self.get_context_data(reply_form=self.confirm_form(form), newer_messages=newer.count())
            )
        try:
            self.send(form, body, action, internal)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(reply_form=form))
        presence.leave(self.object.pk, request.user)
        if internal:
            messages.success(request, _("Your internal note was added."))
        elif action == "reply_close":
            messages.success(
                request,
                _("Your reply was sent to %(email)s and the ticket is closed.")
                % {"email": self.object.customer.email},
            )
        else:
            messages.success(
                request, _("Your reply was sent to %(email)s.") % {"email": self.object.customer.email}
            )
        return redirect(ticket_url(self.object))

    def send(self, form, body, action, internal):
        """The reply or note, then the macro's changes and the send button's status, in one step."""
        user, macro = self.request.user, form.cleaned_data["macro"]
        with transaction.atomic():
            files = form.cleaned_data["files"]
            closing = action == "reply_close"  # the reply and the close: one step, one e-mail
            message = services.reply(self.object, user, body, files, internal=internal, close=closing)
            events.log_action(self.object, "note" if internal else "reply", user, {"message": message.pk})
            ticket = Ticket.objects.get(pk=self.object.pk)
            if macro is not None:
                ticket = macros.apply_on_send(macro, ticket, user)
            if internal:
                return
            status = SEND_ACTIONS[action]
            if macro is not None and macro.set_status and action != "reply_close":
                status = macro.set_status
            if status != ticket.status:
                workflow.set_status(ticket, status, user)

    def confirm_form(self, form):
        data = form.data.copy()
        data["send_anyway"] = "on"
        confirmed = ReplyForm(data, canned_responses=self.canned_responses())
        confirmed.is_valid()
        return confirmed

    def insert_without_script(self, form, body):
        canned = form.cleaned_data["canned"]
        macro = None
        if canned is not None:
            text = macros.fill(canned.body, macros.placeholder_values(self.object, self.request.user))
            body = f"{body.rstrip()}\n\n{text}".strip() if body.strip() else text
            macro = canned.pk if canned.is_macro else None
        form = self.reply_form(initial={"body": body, "macro": macro, "seen": form.cleaned_data["seen"]})
        return self.render_to_response(self.get_context_data(reply_form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ticket = self.object
        user = self.request.user
        can_change = self.user_has_permission("change")
        can_assign = self.user_has_permission("assign")
        messages_ = ticket_messages(ticket)
        context.update(
            {
                "ticket": ticket,
                "conversation": conversation(ticket, messages_),
                "overdue": workflow.is_overdue(ticket),
                "can_reply": self.can_reply,
                "can_change": can_change,
                "can_assign": can_assign,
                "can_change_purchases": permissions.purchases.user_has_permission(user, "change"),
                "preview": kwargs.get("preview"),
                "newer_messages": kwargs.get("newer_messages"),
                # The newest message as the page is drawn: a newer one warns before sending.
                "reply_form": kwargs.get("reply_form")
                or self.reply_form(initial={"seen": max((m.pk for m in messages_), default=0)}),
                "canned_offered": bool(self.canned_list),
                "macros": macros.macros_for(ticket, user, self.canned_list) if self.can_reply else [],
                "panel_form": kwargs.get("panel_form")
                or TicketPanelForm(ticket=ticket, can_assign=can_assign),
                "merge_form": MergeForm(ticket=ticket),
                "merge_undo": workflow.merge_undo_event(ticket) if ticket.merged_into_id else None,
                "poll_seconds": presence.POLL_SECONDS,
                **customer_context(ticket),
            }
        )
        context["urls"] = {
            name: reverse(f"{URL_NAMESPACE}:{name}", args=[ticket.pk])
            for name in ("panel", "merge", "unmerge", "presence", "history")
        }
        context["urls"]["next"] = reverse(f"{URL_NAMESPACE}:next")
        return context


class TicketActionView(PermissionCheckedMixin, View):
    """A POST-only change to one ticket; answers with a message on the ticket screen."""

    http_method_names = ["post"]
    permission_required = "change"
    form_class = None

    def post(self, request, pk):
        ticket = get_object_or_404(Ticket.objects.select_related("customer", "assignee", "product"), pk=pk)
        form = self.get_form(request, ticket)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(ticket_url(ticket))
        try:
            result = self.act(request, ticket, form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(ticket_url(ticket))
        return redirect(ticket_url(result or ticket))

    def get_form(self, request, ticket):
        return self.form_class(request.POST)

    def act(self, request, ticket, data):
        raise NotImplementedError


class StatusView(TicketActionView):
    form_class = StatusForm

    def act(self, request, ticket, data):
        ticket = workflow.set_status(ticket, data["status"], request.user)
        messages.success(
            request, _("The ticket is now: %(status)s.") % {"status": ticket.get_status_display()}
        )


class PriorityView(TicketActionView):
    form_class = PriorityForm

    def act(self, request, ticket, data):
        ticket = workflow.set_priority(ticket, data["priority"], request.user)
        messages.success(
            request, _("The priority is now: %(priority)s.") % {"priority": ticket.get_priority_display()}
        )


class AssignView(TicketActionView):
    permission_required = "assign"
    form_class = AssignForm

    def act(self, request, ticket, data):
        assignee = data["assignee"]
        services.assign(ticket, assignee, by=request.user)
        if assignee is None:
            messages.success(request, _("The ticket is unassigned."))
        else:
            name = assignee.get_full_name() or assignee.get_username()
            messages.success(request, _("The ticket is assigned to %(name)s.") % {"name": name})


class PanelView(TicketActionView):
    """The ticket panel: status, priority, assignee and tags saved in one request."""

    def get_form(self, request, ticket):
        return TicketPanelForm(
            request.POST,
            ticket=ticket,
            can_assign=self.permission_policy.user_has_permission(request.user, "assign"),
        )

    def act(self, request, ticket, data):
        workflow.update(
            ticket,
            request.user,
            status=data["status"],
            priority=data["priority"],
            assignee=data["assignee"] if "assignee" in data else workflow.UNCHANGED,
            tags=data["tags"],
        )
        messages.success(request, _("The ticket is saved."))


class MergeView(TicketActionView):
    """Merging asks first: a page naming both tickets, whose button posts ``confirm``."""

    form_class = MergeForm
    template_name = "wagtail_support/admin/tickets/merge_confirm.html"

    def get_form(self, request, ticket):
        return MergeForm(request.POST, ticket=ticket)

    def post(self, request, pk):
        if request.POST.get("confirm"):
            return super().post(request, pk)
        ticket = get_object_or_404(Ticket.objects.select_related("customer", "product"), pk=pk)
        form = self.get_form(request, ticket)
        if not form.is_valid():
            for error in form.errors.get("target", []):
                messages.error(request, error)
            return redirect(ticket_url(ticket))
        return TemplateResponse(
            request,
            self.template_name,
            {
                "ticket": ticket,
                "target": form.cleaned_data["target"],
                "undo_hours": workflow.MERGE_UNDO_HOURS,
                "header_title": _("Merge %(reference)s") % {"reference": ticket.reference},
            },
        )

    def act(self, request, ticket, data):
        target = workflow.merge(ticket, data["target"], request.user)
        messages.success(
            request,
            _(
                "%(duplicate)s is merged into %(target)s. "
                "You can undo it from %(duplicate)s for %(hours)d hours."
            )
            % {"duplicate": ticket.reference, "target": target.reference, "hours": workflow.MERGE_UNDO_HOURS},
        )
        return target


class UnmergeView(TicketActionView):
    """Undo a recent merge: the messages go back to this ticket."""

    def get_form(self, request, ticket):
        return ConfirmForm(request.POST)

    def act(self, request, ticket, data):
        ticket = workflow.unmerge(ticket, request.user)
        messages.success(
            request,
            _("The merge is undone: %(reference)s has its messages back.") % {"reference": ticket.reference},
        )
        return ticket


class PresenceView(PermissionCheckedMixin, View):
    """The ticket screen's heartbeat (POST): who else has the ticket open or is writing, and whether a
    newer message arrived. Short polling; JSON."""

    http_method_names = ["post"]
    permission_required = "view"

    def post(self, request, pk):
        ticket = get_object_or_404(Ticket.objects.only("pk"), pk=pk)
        others = presence.heartbeat(ticket.pk, request.user, typing=request.POST.get("typing") == "1")
        try:
            seen = int(request.POST.get("seen") or 0)
        except ValueError:
            seen = 0
        newer = presence.newer_messages(ticket.pk, seen, request.user).count() if seen else 0
        return JsonResponse({"others": others, "newer": newer})


class NextTicketView(PermissionCheckedMixin, View):
    """Open the agent's next ticket: theirs first (first response due soonest), else unassigned."""

    permission_required = "view"

    def get(self, request):
        from wagtail_support.staff.panels import next_tickets

        ticket = next_tickets(request.user, limit=1, after=request.GET.get("after"))
        if not ticket:
            messages.info(request, _("No more tickets waiting for you."))
            return redirect(reverse(f"{URL_NAMESPACE}:index"))
        return redirect(ticket_url(ticket[0]))


class AttachmentView(PermissionCheckedMixin, View):
    """Download an attachment of any ticket (internal notes included) for staff who may view tickets."""

    permission_required = "view"

    def get(self, request, pk):
        from wagtail_support.tickets.views import attachment_response

        return attachment_response(get_object_or_404(Attachment, pk=pk))
