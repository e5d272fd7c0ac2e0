"""The queue's search: by reference, customer e-mail, title and message text.

A reference ("SUP-1042") or an e-mail address finds by equality. Other words are matched against
ticket titles and the text of every message (internal notes too): on PostgreSQL with full-text
search on the GIN indexes of migration 0008 (``to_tsvector('simple', ...)``, so no stemming and any
language works); elsewhere with a case-insensitive substring match.

Wagtail's search backend is not used for the queue: a ticket's messages would have to be indexed
with the ticket (RelatedFields), re-indexing the ticket on every reply, and filling Wagtail's index
for 100,000 tickets and their 500,000 messages is a long job on its own (see docs/staff-workspace.md).
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F, Func, Q

from wagtail_support.tickets.models import Message, Ticket, pk_from_reference


class SimpleTsVector(Func):
    """``to_tsvector('simple', column)``, exactly the expression the GIN indexes cover."""

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"

    def __init__(self, field):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(F(field), output_field=SearchVectorField())


def search_tickets(queryset, query):
    """Tickets of ``queryset`` that match the search box's ``query``."""
    query = (query or "").strip()
    if not query:
        return queryset
    pk = pk_from_reference(query)
    if pk is not None:
        return queryset.filter(pk=pk)
    if "@" in query and " " not in query:
        # Customers first (an index on UPPER(email) serves this on PostgreSQL), then their tickets.
        customers = get_user_model().objects.filter(email__iexact=query).values("pk")
        return queryset.filter(customer__in=customers)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        terms = SearchQuery(query, config="simple")
        # Two index scans joined by UNION: an OR across both tables would make PostgreSQL read every ticket.
        in_titles = Ticket.objects.alias(document=SimpleTsVector("title")).filter(document=terms).values("pk")
        in_messages = Message.objects.alias(document=SimpleTsVector("body")).filter(document=terms)
        return queryset.filter(pk__in=in_titles.union(in_messages.values("ticket_id")))
    in_messages = Message.objects.filter(body__icontains=query)
    return queryset.filter(Q(title__icontains=query) | Q(pk__in=in_messages.values("ticket_id")))
