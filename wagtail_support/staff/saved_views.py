"""Saved views: an agent's named filters and search of the queue, listed in the Support menu with
their counts. A few defaults come with the app; each agent adds their own from the queue."""

from typing import NamedTuple
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from wagtail_support.degrade import from_cache
from wagtail_support.staff.filters import TicketFilterSet
from wagtail_support.staff.forms import SavedViewForm
from wagtail_support.staff.models import SavedView
from wagtail_support.staff.paginator import capped_count
from wagtail_support.staff.search import search_tickets
from wagtail_support.staff.views import URL_NAMESPACE
from wagtail_support.tickets.models import Ticket

COUNT_SECONDS = 60
OWN_VIEWS_SECONDS = 24 * 60 * 60  # dropped when the agent saves or deletes a view
DEFAULT_VIEWS = [
    (gettext_lazy("My open tickets"), "status=open&assignee=mine"),
    (gettext_lazy("My open high priority"), "status=open&assignee=mine&priority=30"),
    (gettext_lazy("Unassigned"), "status=open&assignee=unassigned"),
]
# Query parameters a view keeps: the queue's filters and search, never paging or ordering.
KEPT = ("q", "status", "product", "assignee", "priority", "overdue", "unread", "tag")


def clean_query(querystring):
    """The filters and search of ``querystring``, in a stable order."""
    data = QueryDict(querystring or "")
    return urlencode([(key, value) for key in KEPT for value in data.getlist(key) if value])


class _Request:
    """What the filter set reads of a request: the agent (for "mine")."""

    def __init__(self, user):
        self.user = user


def tickets_for(query, user):
    data = QueryDict(query)
    filters = TicketFilterSet(data, queryset=Ticket.objects.all(), request=_Request(user))
    return search_tickets(filters.qs, data.get("q"))


def count_key(query, user):
    return f"wagtail_support:saved-view:{user.pk}:{query}"


def view_counts(queries, user):
    """``{query: count}``: how many tickets each view lists for ``user`` (at most ``COUNT_CAP + 1``,
    meaning "more"; see ``staff.paginator``), counted once a minute at most. The cache is read and
    written in one round trip each, however many views the agent has."""
    keys = {query: count_key(query, user) for query in queries}
    cached = from_cache(lambda: cache.get_many(list(keys.values())), default={}, what="saved view counts")
    counts, fresh = {}, {}
    for query, key in keys.items():
        if key in cached:
            counts[query] = cached[key]
        else:
            counts[query] = fresh[key] = capped_count(tickets_for(query, user))
    if fresh:
        from_cache(lambda: cache.set_many(fresh, COUNT_SECONDS), what="saved view counts")
    return counts


class OwnView(NamedTuple):
    """One of the agent's saved views, as the menu and the queue show it."""

    pk: int
    name: str
    query: str


def own_views_key(user):
    return f"wagtail_support:saved-views:{user.pk}"


def own_views(user):
    """The agent's own saved views (``OwnView``s, by name), kept in the cache until they save or
    delete one: every admin page lists them in the Support menu."""
    key = own_views_key(user)
    views = from_cache(lambda: cache.get(key), what="saved views")
    if views is None:
        views = [
            OwnView(*row) for row in SavedView.objects.filter(user=user).values_list("pk", "name", "query")
        ]
        from_cache(lambda: cache.set(key, views, OWN_VIEWS_SECONDS), what="saved views")
    return views


def forget_own_views(user):
    from_cache(lambda: cache.delete(own_views_key(user)), what="saved views")


def views_of(user):
    """``[(name, query)]``: the defaults, then the agent's own."""
    return [(str(name), query) for name, query in DEFAULT_VIEWS] + [
        (view.name, view.query) for view in own_views(user)
    ]


def menu_entries(user):
    """``[(name, url, count)]`` for the Support menu."""
    index = reverse(f"{URL_NAMESPACE}:index")
    views = views_of(user)
    counts = view_counts([query for _name, query in views], user)
    return [(name, f"{index}?{query}", counts[query]) for name, query in views]


class SaveView(PermissionCheckedMixin, View):
    """Save the queue's current filters and search under a name (POST from the queue)."""

    http_method_names = ["post"]
    permission_required = "view"

    def post(self, request):
        form = SavedViewForm(request.POST, user=request.user)
        index = reverse(f"{URL_NAMESPACE}:index")
        query = clean_query(request.POST.get("query", ""))
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(f"{index}?{query}")
        SavedView.objects.create(user=request.user, name=form.cleaned_data["name"], query=query)
        forget_own_views(request.user)
        messages.success(
            request,
            _("The view “%(name)s” is saved in the Support menu.") % {"name": form.cleaned_data["name"]},
        )
        return redirect(f"{index}?{query}")


class DeleteView(PermissionCheckedMixin, View):
    http_method_names = ["post"]
    permission_required = "view"

    def post(self, request, pk):
        view = get_object_or_404(SavedView, pk=pk, user=request.user)
        view.delete()
        forget_own_views(request.user)
        messages.success(request, _("The view “%(name)s” is deleted.") % {"name": view.name})
        return redirect(reverse(f"{URL_NAMESPACE}:index"))
