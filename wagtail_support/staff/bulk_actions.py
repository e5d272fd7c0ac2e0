"""Bulk actions of the queue: assign and close the selected tickets (Wagtail's bulk action framework)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from wagtail.admin.views.bulk_action import BulkAction

from wagtail_support import permissions
from wagtail_support.staff.filters import queue_tickets
from wagtail_support.staff.forms import AssignForm, BulkTagForm
from wagtail_support.tickets import services, workflow
from wagtail_support.tickets.models import Ticket


class TicketBulkAction(BulkAction):
    models = [Ticket]
    action = "change"

    def dispatch(self, request, *args, **kwargs):
        if not permissions.tickets.user_has_permission(request.user, self.action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def get_queryset(cls, model, object_ids):
        return Ticket.objects.filter(pk__in=[i for i in object_ids if str(i).isdigit()]).select_related(
            "customer", "assignee", "product"
        )

    def get_all_objects_in_listing_query(self, parent_id):
        # "Select all tickets in listing": the listing as filtered and searched (its query string
        # comes along with the request).
        return queue_tickets(self.request).values_list("pk", flat=True)

    def get_execution_context(self):
        return {"user": self.request.user}


class CloseTicketsBulkAction(TicketBulkAction):
    display_name = pgettext_lazy("ticket action", "Close")
    action_type = "close"
    aria_label = _("Close the selected tickets")
    template_name = "wagtail_support/admin/tickets/bulk_close.html"

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        closed = [t for t in objects if not t.is_closed]
        for ticket in closed:
            services.close(ticket, user)
        return len(closed), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext("%(count)d ticket closed.", "%(count)d tickets closed.", num_parent_objects) % {
            "count": num_parent_objects
        }


class AssignTicketsBulkAction(TicketBulkAction):
    display_name = _("Assign")
    action_type = "assign"
    aria_label = _("Assign the selected tickets")
    template_name = "wagtail_support/admin/tickets/bulk_assign.html"
    action = "assign"
    form_class = AssignForm

    def get_execution_context(self):
        return {**super().get_execution_context(), "assignee": self.cleaned_form.cleaned_data["assignee"]}

    @classmethod
    def execute_action(cls, objects, user=None, assignee=None, **kwargs):
        for ticket in objects:
            services.assign(ticket, assignee, by=user)
        return len(objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext("%(count)d ticket assigned.", "%(count)d tickets assigned.", num_parent_objects) % {
            "count": num_parent_objects
        }


class TagTicketsBulkAction(TicketBulkAction):
    display_name = _("Add tags")
    action_type = "tag"
    aria_label = _("Add tags to the selected tickets")
    template_name = "wagtail_support/admin/tickets/bulk_tag.html"
    form_class = BulkTagForm

    def get_execution_context(self):
        return {**super().get_execution_context(), "tags": self.cleaned_form.cleaned_data["tags"]}

    @classmethod
    def execute_action(cls, objects, user=None, tags=(), **kwargs):
        for ticket in objects:
            workflow.add_tags(ticket, tags, user)
        return len(objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext("%(count)d ticket tagged.", "%(count)d tickets tagged.", num_parent_objects) % {
            "count": num_parent_objects
        }
