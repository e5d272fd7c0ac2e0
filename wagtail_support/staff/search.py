"""The queue's search: by reference, people (customer name, e-mail, site, order id), title and messages.

A reference ("SUP-1042") finds by equality. People are found first, in their own small tables:
customers whose name or e-mail contains every word of the search ("Dana", "Dana Buyer",
"dana@", "@shop.example"), whose order id is the search, or who registered a site whose domain
contains it ("shop.example"); their tickets are found with the ticket's customer index (at most
``PEOPLE_LIMIT`` people). Other words are matched against
ticket titles and the text of every message (internal notes too): on PostgreSQL with full-text
search on each ticket's search document (``TicketSearchDocument``, migrations 0010 and 0020: a
``tsvector`` of its title and messages in its own table, kept current by the database, with a GIN
index; ``'simple'`` configuration, so no stemming and any language works); elsewhere with a
case-insensitive substring match.

Wagtail's search backend is not used for the queue: a ticket's messages would have to be indexed
with the ticket (RelatedFields), re-indexing the ticket on every reply, and filling Wagtail's index
for 100,000 tickets and their 500,000 messages is a long job on its own (see docs/staff-workspace.md).
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q

from wagtail_support.purchases.models import Installation, Purchase
from wagtail_support.tickets.models import Message, TicketSearchDocument, pk_from_reference

PEOPLE_LIMIT = 200  # a search matching more customers than this is a word search, not a person


def search_tickets(queryset, query):
    """Tickets of ``queryset`` that match the search box's ``query``."""
    query = (query or "").strip()
    if not query:
        return queryset
    pk = pk_from_reference(query)
    if pk is not None:
        return queryset.filter(pk=pk)
    if "@" in query and " " not in query:
        # Customers first (an index on UPPER(email) serves equality on PostgreSQL), then their tickets.
        users = get_user_model().objects
        exact = users.filter(email__iexact=query).values_list("pk", flat=True)
        customers = list(exact) or list(
            users.filter(email__icontains=query).values_list("pk", flat=True)[:PEOPLE_LIMIT]
        )
        return queryset.filter(customer__in=customers)
    customers = matching_people(query)
    if customers and is_identifier(query):
        # A domain or an order id names people, not words: the people's tickets only (an OR with a word
        # search that matches nothing would walk the whole queue looking for 25 rows).
        return queryset.filter(customer__in=customers)
    people = Q(customer__in=customers)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        words = SearchQuery(query, config="simple")
        if customers and not TicketSearchDocument.objects.filter(document=words).count():
            # A name no conversation holds ("Dana Buyer"): the people's tickets, from the customer
            # index. An OR with the words would join every ticket walked to its document, and a
            # sparse match would walk the whole queue. A count, not exists(): with a LIMIT the
            # planner scans the documents for a word it expects in 0.5% of them (PostgreSQL's guess
            # for a word outside its statistics), while the GIN index answers a rare word at once.
            return queryset.filter(people)
        matched = Q(search_document__document=words)
        return queryset.filter(matched | people if customers else matched)
    in_messages = Message.objects.filter(body__icontains=query)
    words = Q(title__icontains=query) | Q(pk__in=in_messages.values("ticket_id"))
    return queryset.filter(words | people if customers else words)


def is_identifier(query):
    """A single token with a dot or a digit: a domain or an order id rather than words."""
    return " " not in query and any(c == "." or c.isdigit() for c in query)


def matching_people(query):
    """Ids of the customers the search names: by name or e-mail (every word), order id, site domain."""
    words = query.split()
    by_name = Q()
    for word in words:
        by_name &= Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
    found = set(get_user_model().objects.filter(by_name).values_list("pk", flat=True)[: PEOPLE_LIMIT + 1])
    if len(found) > PEOPLE_LIMIT:
        found = set()  # a common word ("example"), not a person: the conversation search answers it
    if len(words) == 1:
        found.update(
            Purchase.objects.filter(external_id__iexact=query, customer__isnull=False).values_list(
                "customer_id", flat=True
            )[:PEOPLE_LIMIT]
        )
        if "." in query:
            found.update(
                Installation.objects.filter(domain__icontains=query).values_list(
                    "entitlement__customer_id", flat=True
                )[:PEOPLE_LIMIT]
            )
    return sorted(found)
