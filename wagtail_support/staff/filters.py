"""The queue's filters: status, product, assignee (mine / unassigned), priority, overdue, unread, tag.

The queue opens on the open tickets (the team's work; closed ones pile up over the years), and a
search looks through every status, so a reference or an old conversation is always found. Either way
the status select shows what is in force, and "Any status" lists everything.
"""

import django_filters
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters.widgets import BooleanWidget
from wagtail.admin.filters import WagtailFilterSet

from wagtail_support.degrade import from_cache
from wagtail_support.purchases.models import SupportedProduct
from wagtail_support.staff.search import search_tickets
from wagtail_support.tickets import workflow
from wagtail_support.tickets.models import OPEN_STATUSES, Ticket, TicketPriority, TicketStatus

OPEN, ANY = "open", "any"
MINE, UNASSIGNED = "mine", "unassigned"


def queue_tickets(request):
    """The tickets the queue lists for ``request``'s filters and search: what "select all" selects."""
    filters = TicketFilterSet(request.GET, queryset=Ticket.objects.all(), request=request)
    return search_tickets(filters.qs, request.GET.get("q"))


PRODUCT_CHOICES_KEY = "wagtail_support:queue-product-choices"
PRODUCT_CHOICES_SECONDS = 60 * 60  # dropped when a product is saved or deleted


def product_choices():
    """Every product, by name, for the product filter: kept in the cache (every queue page shows it);
    one plain query on a miss (a model choice field would open a server-side cursor)."""
    choices = from_cache(lambda: cache.get(PRODUCT_CHOICES_KEY), what="the queue's product choices")
    if choices is None:
        choices = [
            (str(pk), name)
            for pk, name in SupportedProduct.objects.order_by("name", "pk").values_list("pk", "name")
        ]
        from_cache(
            lambda: cache.set(PRODUCT_CHOICES_KEY, choices, PRODUCT_CHOICES_SECONDS),
            what="the queue's product choices",
        )
    return choices


@receiver(post_save, sender=SupportedProduct, dispatch_uid="wagtail_support.queue_products_saved")
@receiver(post_delete, sender=SupportedProduct, dispatch_uid="wagtail_support.queue_products_deleted")
def forget_product_choices(**kwargs):
    from_cache(lambda: cache.delete(PRODUCT_CHOICES_KEY), what="the queue's product choices")


class TicketFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open (not closed)")), (ANY, _("Any status")), *TicketStatus.choices],
        empty_label=None,
        method="filter_status",
    )
    product = django_filters.ChoiceFilter(
        label=pgettext_lazy("supported product", "Product"), choices=()
    )  # filled per request
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
    tag = django_filters.CharFilter(label=_("Tag"), method="filter_tag")

    class Meta:
        model = Ticket
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        default = ANY if data is not None and (data.get("q") or "").strip() else OPEN
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = default
        super().__init__(data, *args, **kwargs)
        # The default is the status's initial value: it is not shown as an active filter.
        self.filters["status"].extra["initial"] = default
        # Read once here: a callable would be read again by validation, the widget and the active filters.
        self.filters["product"].extra["choices"] = product_choices()
        if self.is_bound and not self.form.is_valid():
            # A stale or hand-edited link (a deleted product, a misspelt status): drop what is wrong and
            # keep the other filters, rather than list (or export, or bulk-close) every ticket.
            data = self.data.copy()
            for name in self.form.errors:
                data.pop(name, None)
            data.setdefault("status", default)
            self.data = data
            del self._form

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value) if value and value != ANY else queryset

    def filter_assignee(self, queryset, name, value):
        if value == MINE:
            return queryset.filter(assignee=self.request.user)
        if value == UNASSIGNED:
            return queryset.filter(assignee__isnull=True)
        return queryset

    def filter_tag(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(tags__name__iexact=value) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = workflow.overdue_q()
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
