"""Columns of the queue that need more than a field value."""

from django.utils import timezone
from wagtail.admin.ui.tables import Column

from wagtail_support.tickets.workflow import is_overdue


class DueColumn(Column):
    """The first-response due time, flagged when it has passed without an answer."""

    cell_template_name = "wagtail_support/admin/tickets/due_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["overdue"] = is_overdue(instance, parent_context.setdefault("now", timezone.now()))
        context["answered"] = instance.first_response_at is not None
        return context


class UnreadTitleColumnMixin:
    cell_template_name = "wagtail_support/admin/tickets/title_cell.html"
