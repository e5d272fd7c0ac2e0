"""The queue's filters: status, product, assignee (mine / unassigned), priority, overdue, unread."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget
from wagtail.admin.filters import WagtailFilterSet

from wagtail_support.purchases.models import SupportedProduct
from wagtail_support.tickets import workflow
from wagtail_support.tickets.models import OPEN_STATUSES, Ticket, TicketPriority, TicketStatus

OPEN = "open"
MINE, UNASSIGNED = "mine", "unassigned"


class TicketFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open (not closed)")), *TicketStatus.choices],
        method="filter_status",
    )
    product = django_filters.ModelChoiceFilter(label=_("Product"), queryset=SupportedProduct.objects.all())
    assignee = django_filters.ChoiceFilter(
        label=_("Assignee"),
        choices=[(MINE, _("Mine")), (UNASSIGNED, _("Unassigned"))],
        empty_label=_("Anyone"),
        method="filter_assignee",
    )
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=TicketPriority.choices)
    overdue = django_filters.BooleanFilter(
        label=_("First response overdue"), method="filter_overdue", widget=BooleanWidget
    )
    unread = django_filters.BooleanFilter(
        label=_("Unread by the team"), field_name="unread_by_staff", widget=BooleanWidget
    )

    class Meta:
        model = Ticket
        fields = []

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value) if value else queryset

    def filter_assignee(self, queryset, name, value):
        if value == MINE:
            return queryset.filter(assignee=self.request.user)
        if value == UNASSIGNED:
            return queryset.filter(assignee__isnull=True)
        return queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = workflow.overdue_q()
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
