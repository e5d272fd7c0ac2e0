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


def product_choices():
    """Every product, by name: one plain query (a model choice field would open a server-side cursor)."""
    return [
        (str(pk), name)
        for pk, name in SupportedProduct.objects.order_by("name", "pk").values_list("pk", "name")
    ]


class TicketFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open (not closed)")), *TicketStatus.choices],
        method="filter_status",
    )
    product = django_filters.ChoiceFilter(label=_("Product"), choices=())  # filled per request
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once here: a callable would be read again by validation, the widget and the active filters.
        self.filters["product"].extra["choices"] = product_choices()

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
