"""The ticket screen and its actions. Thin: every change goes through ``tickets.services``/``workflow``.

Permissions come from the viewset's permission policy (``view``, ``change``, ``reply``, ``assign``
on Ticket), so the menu, the queue and these views agree.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic import InspectView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from wagtail_support import permissions
from wagtail_support.purchases.models import CustomerAccount, Entitlement, Installation
from wagtail_support.staff.forms import AssignForm, MergeForm, PriorityForm, ReplyForm, StatusForm
from wagtail_support.staff.models import CannedResponse
from wagtail_support.tickets import services, workflow
from wagtail_support.tickets.markdown import render_markdown
from wagtail_support.tickets.models import Attachment, Message, Ticket

URL_NAMESPACE = "wagtail_support_tickets"
OTHER_TICKETS_SHOWN = 10


def ticket_url(ticket):
    return reverse(f"{URL_NAMESPACE}:inspect", args=[ticket.pk])


def conversation(ticket):
    """The ticket's messages, oldest first, with authors and attachments (two queries)."""
    return list(
        Message.objects.filter(ticket=ticket).select_related("author").prefetch_related("attachments")
    )


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
    others = Ticket.objects.filter(customer=customer).exclude(pk=ticket.pk).select_related("product")
    return {
        "entitlements": list(entitlements),
        "other_tickets": list(others[:OTHER_TICKETS_SHOWN]),
        "other_ticket_count": others.aggregate(n=Count("pk"))["n"],
        "account": CustomerAccount.objects.filter(user=customer).first(),
    }


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
        return get_object_or_404(
            Ticket.objects.select_related(
                "customer", "product", "assignee", "entitlement", "installation", "merged_into"
            ),
            pk=self.pk,
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
        if action == "insert":
            canned = form.cleaned_data["canned"]
            if canned is not None:
                body = f"{body.rstrip()}\n\n{canned.body}".strip() if body.strip() else canned.body
            form = ReplyForm(initial={"body": body}, canned_responses=self.canned_responses())
            return self.render_to_response(self.get_context_data(reply_form=form))
        if action == "preview":
            return self.render_to_response(
                self.get_context_data(reply_form=form, preview=render_markdown(body) or "")
            )
        internal = action == "note"
        try:
            services.reply(self.object, request.user, body, form.cleaned_data["files"], internal=internal)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(reply_form=form))
        messages.success(
            request,
            _("Your internal note was added.")
            if internal
            else _("Your reply was sent to %(email)s.") % {"email": self.object.customer.email},
        )
        return redirect(ticket_url(self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ticket = self.object
        user = self.request.user
        can_change = self.user_has_permission("change")
        context.update(
            {
                "ticket": ticket,
                "conversation": conversation(ticket),
                "overdue": workflow.is_overdue(ticket),
                "can_reply": self.can_reply,
                "can_change": can_change,
                "can_assign": self.user_has_permission("assign"),
                "can_change_purchases": permissions.purchases.user_has_permission(user, "change"),
                "preview": kwargs.get("preview"),
                "reply_form": kwargs.get("reply_form") or ReplyForm(canned_responses=self.canned_responses()),
                "status_form": StatusForm(initial={"status": ticket.status}),
                "priority_form": PriorityForm(initial={"priority": ticket.priority}),
                "assign_form": AssignForm(initial={"assignee": ticket.assignee_id}),
                "merge_form": MergeForm(ticket=ticket),
                **customer_context(ticket),
            }
        )
        context["urls"] = {
            name: reverse(f"{URL_NAMESPACE}:{name}", args=[ticket.pk])
            for name in ("status", "priority", "assign", "merge")
        }
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
        ticket = workflow.set_priority(ticket, data["priority"])
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


class MergeView(TicketActionView):
    form_class = MergeForm

    def get_form(self, request, ticket):
        return MergeForm(request.POST, ticket=ticket)

    def act(self, request, ticket, data):
        target = workflow.merge(ticket, data["target"], request.user)
        messages.success(
            request,
            _("%(duplicate)s is merged into %(target)s.")
            % {"duplicate": ticket.reference, "target": target.reference},
        )
        return target


class AttachmentView(PermissionCheckedMixin, View):
    """Download an attachment of any ticket (internal notes included) for staff who may view tickets."""

    permission_required = "view"

    def get(self, request, pk):
        from wagtail_support.tickets.views import attachment_response

        return attachment_response(get_object_or_404(Attachment, pk=pk))
