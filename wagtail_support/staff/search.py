"""The queue's search: by reference, customer e-mail, title and message text.

A reference ("SUP-1042") or an e-mail address finds by equality. Other words are matched against
ticket titles and the text of every message (internal notes too): on PostgreSQL with full-text
search on each ticket's search document (migration 0010: a ``tsvector`` of its title and messages,
kept current by the database, with a GIN index; ``'simple'`` configuration, so no stemming and any
language works); elsewhere with a case-insensitive substring match.

Wagtail's search backend is not used for the queue: a ticket's messages would have to be indexed
with the ticket (RelatedFields), re-indexing the ticket on every reply, and filling Wagtail's index
for 100,000 tickets and their 500,000 messages is a long job on its own (see docs/staff-workspace.md).
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import Expression

from wagtail_support.tickets.models import Message, pk_from_reference


class SearchDocument(Expression):
    """The ticket's ``search_document`` column, which only PostgreSQL has (Django's model does not)."""

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name_unless_alias(compiler.query.get_initial_alias())}.search_document", []


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

        return queryset.alias(document=SearchDocument()).filter(document=SearchQuery(query, config="simple"))
    in_messages = Message.objects.filter(body__icontains=query)
    return queryset.filter(Q(title__icontains=query) | Q(pk__in=in_messages.values("ticket_id")))
