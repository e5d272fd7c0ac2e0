"""The staff screens in the Wagtail admin: Support → Tickets and Support → Canned responses."""

from django.db.models import Prefetch
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.i18n import JavaScriptCatalog
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from wagtail_support.admin_viewsets import RecordViewSetMixin
from wagtail_support.exports import NeutralisedExportMixin
from wagtail_support.staff import saved_views, views
from wagtail_support.staff.columns import (
    ActivityColumn,
    CheckboxColumn,
    ChoiceColumn,
    DueColumn,
    QueueTable,
    ReferenceColumn,
    StatusColumn,
    TextColumn,
)
from wagtail_support.staff.filters import TicketFilterSet
from wagtail_support.staff.forms import SavedViewForm
from wagtail_support.staff.menu import TicketMenuItemMixin
from wagtail_support.staff.models import CannedResponse
from wagtail_support.staff.paginator import CappedPaginator
from wagtail_support.staff.search import search_tickets
from wagtail_support.tickets.models import AWAITING_TEAM_STATUSES, Ticket, TicketPriority, TicketStatus
from wagtail_support.tickets.people import customer_name, display_name


def _customer(ticket):
    return customer_name(ticket.customer)


def _tags(ticket):
    return ", ".join(tag.name for tag in ticket.queue_tags)


def _assignee(ticket):
    return display_name(ticket.assignee) if ticket.assignee else ""


class TicketIndexView(NeutralisedExportMixin, IndexView):
    template_name = "wagtail_support/admin/tickets/index.html"
    results_template_name = "wagtail_support/admin/tickets/index_results.html"
    table_class = QueueTable
    paginator_class = CappedPaginator

    def get_paginator(self, queryset, per_page, **kwargs):
        # The capped count starts at the page asked for, so paging on past the cap stays possible.
        return super().get_paginator(
            queryset, per_page, page_number=self.request.GET.get(self.page_kwarg), **kwargs
        )

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("customer", "product", "assignee")
            # Into a list: a prefetch into the tag manager builds a filtered queryset per row (taggit's
            # manager), a third of the listing's server time.
            .prefetch_related(Prefetch("tags", to_attr="queue_tags"))
        )

    def search_queryset(self, queryset):
        return search_tickets(queryset, self.search_query) if self.is_searching else queryset

    @cached_property
    def columns(self):
        return [CheckboxColumn("bulk_actions", obj_type="ticket"), *super().columns]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["saved_view_form"] = SavedViewForm(
            user=self.request.user, initial={"query": saved_views.clean_query(self.request.GET.urlencode())}
        )
        context["my_saved_views"] = saved_views.own_views(self.request.user)
        return context


class TicketViewSet(RecordViewSetMixin, ModelViewSet):
    """The queue and the ticket screen. Tickets are opened by customers, so there is no add/edit/delete."""

    model = Ticket
    icon = "help"
    menu_label = _("Tickets")
    url_prefix = "support/tickets"
    name = views.URL_NAMESPACE
    index_view_class = TicketIndexView
    inspect_view_class = views.TicketScreenView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 25
    filterset_class = TicketFilterSet
    search_fields = ["title"]  # the search itself is ``staff.search.search_tickets``
    search_backend_name = None
    list_display = [
        ReferenceColumn(
            "reference",
            label=_("Reference"),
            url_name=f"{views.URL_NAMESPACE}:inspect",
            sort_key="id",
            get_title_id=lambda ticket: f"ticket_{ticket.pk}_title",
        ),
        TextColumn("title", label=pgettext_lazy("ticket title", "Title"), sort_key="title"),
        TextColumn("customer", label=_("Customer"), accessor=_customer),
        TextColumn(
            "product",
            label=pgettext_lazy("supported product", "Product"),
            accessor=lambda ticket: ticket.product.name,
        ),
        StatusColumn(
            "status",
            TicketStatus,
            label=_("Status"),
            sort_key="status",
            primary=lambda t: t.status in AWAITING_TEAM_STATUSES,
        ),
        ChoiceColumn("priority", TicketPriority, label=_("Priority"), sort_key="priority"),
        TextColumn("assignee", label=_("Assignee"), accessor=_assignee),
        TextColumn("tags", label=_("Tags"), accessor=_tags),
        ActivityColumn("last_activity_at", label=_("Last activity"), sort_key="last_activity_at"),
        DueColumn("first_response_due_at", label=_("First response due"), sort_key="first_response_due_at"),
    ]
    list_export = [
        "reference",
        "title",
        "customer.email",
        "product.name",
        "get_status_display",
        "get_priority_display",
        "assignee",
        "created_at",
        "last_activity_at",
        "first_response_due_at",
        "first_response_at",
        "closed_at",
        "satisfaction",
    ]
    export_headings = {
        "reference": _("Reference"),
        "title": pgettext_lazy("ticket title", "Title"),
        "customer.email": _("Customer e-mail"),
        "product.name": pgettext_lazy("supported product", "Product"),
        "get_status_display": _("Status"),
        "get_priority_display": _("Priority"),
        "assignee": _("Assignee"),
        "created_at": _("Opened at"),
        "last_activity_at": _("Last activity"),
        "first_response_due_at": _("First response due"),
        "first_response_at": _("First response at"),
        "closed_at": _("Closed at"),
        "satisfaction": _("Satisfaction"),
    }
    export_filename = "tickets"

    @cached_property
    def menu_item_class(self):
        return type("TicketMenuItem", (TicketMenuItemMixin, super().menu_item_class), {})

    @property
    def url_finder_class(self):
        """E-mails and other screens link to a ticket's screen (it has no edit view)."""
        return type(
            "TicketURLFinder", (ModelAdminURLFinder,), {"edit_url_name": self.get_url_name("inspect")}
        )

    def get_history_view_kwargs(self, **kwargs):
        # The history's "Edit" link opens the ticket screen, where a ticket is changed.
        return super().get_history_view_kwargs(edit_url_name=self.get_url_name("inspect"), **kwargs)

    def get_urlpatterns(self):
        policy = {"permission_policy": self.permission_policy}
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", self.inspect_view, name="inspect"),
            path("<int:pk>/status/", views.StatusView.as_view(**policy), name="status"),
            path("<int:pk>/priority/", views.PriorityView.as_view(**policy), name="priority"),
            path("<int:pk>/assign/", views.AssignView.as_view(**policy), name="assign"),
            path("<int:pk>/merge/", views.MergeView.as_view(**policy), name="merge"),
            path("<int:pk>/panel/", views.PanelView.as_view(**policy), name="panel"),
            path("<int:pk>/unmerge/", views.UnmergeView.as_view(**policy), name="unmerge"),
            path("<int:pk>/presence/", views.PresenceView.as_view(**policy), name="presence"),
            path("<int:pk>/history/", self.history_view, name="history"),
            path("<int:pk>/history/results/", self.history_results_view, name="history_results"),
            path("next/", views.NextTicketView.as_view(**policy), name="next"),
            path("views/save/", saved_views.SaveView.as_view(**policy), name="save_view"),
            path("views/<int:pk>/delete/", saved_views.DeleteView.as_view(**policy), name="delete_view"),
            path("jsi18n/", JavaScriptCatalog.as_view(packages=["wagtail_support"]), name="jsi18n"),
            path("attachments/<int:pk>/", views.AttachmentView.as_view(**policy), name="attachment"),
        ]


class CannedResponseViewSet(SnippetViewSet):
    model = CannedResponse
    icon = "openquote"
    menu_label = _("Canned responses")
    list_display = ["title", "product", "active"]
    list_filter = ["product", "active"]
    search_fields = ["title", "body"]
    search_backend_name = None
