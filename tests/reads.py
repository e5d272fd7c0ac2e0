"""A guard against pages that read other customers' rows: what a page reads from the big tables.

``reads_of(client, url)`` requests a page and records each SELECT that touches a big table (tickets,
messages, attachments, purchases, entitlements) with the number of rows it returned, counted by running
the same statement wrapped in ``SELECT COUNT(*)``. Two checks use it:

- ``assert_no_unfiltered_reads``: no query on a big table without a WHERE (the shape of
  ``(queryset or Ticket.objects)``, which read every ticket with its prefetches, then discarded them);
- ``assert_flat_reads``: the rows returned and the queries run stay the same when the database grows
  from 10 to 1,000 rows of other tickets, purchases and entitlements. Aggregates (a paginator's COUNT,
  the reports' counts) return one row whatever they count, so a staff page that legitimately
  aggregates passes this check while a page that fetches other rows does not.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection

from tests.factories import EntitlementFactory, UserFactory
from wagtail_support.models import Attachment, Entitlement, Message, Purchase, Ticket

OTHER_CUSTOMER = "someone-else"
BIG_TABLES = [model._meta.db_table for model in (Ticket, Message, Attachment, Purchase, Entitlement)]
_TABLE = re.compile("|".join(rf'"{re.escape(table)}"' for table in BIG_TABLES))


@dataclass
class Read:
    sql: str
    rows: int


@dataclass
class ReadLog:
    reads: list = field(default_factory=list)
    _counting: bool = False

    def __call__(self, execute, sql, params, many, context):
        if not self._counting and not many and _is_big_select(sql):
            self._counting = True
            try:
                with context["connection"].cursor() as cursor:
                    cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS wsupport_counted", params)  # noqa: S608 - our own SQL
                    self.reads.append(Read(sql, cursor.fetchone()[0]))
            finally:
                self._counting = False
        return execute(sql, params, many, context)

    @property
    def rows(self):
        return sum(read.rows for read in self.reads)

    def unfiltered(self):
        return [read.sql for read in self.reads if " WHERE " not in read.sql]


def _is_big_select(sql):
    return sql.lstrip().upper().startswith("SELECT") and "FOR UPDATE" not in sql and bool(_TABLE.search(sql))


@contextmanager
def recording_reads():
    log = ReadLog()
    with connection.execute_wrapper(log):
        yield log


def reads_of(client, url, status=200):
    with recording_reads() as log:
        response = client.get(url)
    assert response.status_code == status, url
    return log


def assert_no_unfiltered_reads(client, url):
    log = reads_of(client, url)
    assert not log.unfiltered(), f"{url} reads a big table without a WHERE: {log.unfiltered()}"
    return log


def add_other_rows(count):
    """``count`` tickets (each with a message and an attachment), purchases and entitlements of another
    customer, in bulk: rows no page of the customer under test may read. One product throughout, so
    that grouped counts (reports) keep their number of groups."""
    entitlement = Entitlement.objects.filter(customer__username=OTHER_CUSTOMER).first() or EntitlementFactory(
        purchase__customer=UserFactory(username=OTHER_CUSTOMER), support_until=None
    )
    owner, product = entitlement.customer, entitlement.product
    purchases = Purchase.objects.bulk_create(
        Purchase(
            source="other-shop",
            external_id=f"other-{Purchase.objects.count()}-{n}",
            email=owner.email,
            customer=owner,
            purchased_at=entitlement.purchase.purchased_at,
        )
        for n in range(count)
    )
    if not purchases[0].pk:  # databases that do not return ids from a bulk insert
        purchases = list(Purchase.objects.filter(source="other-shop").order_by("-pk")[:count])
    Entitlement.objects.bulk_create(
        Entitlement(purchase=purchase, customer=owner, product=product) for purchase in purchases
    )
    tickets = Ticket.objects.bulk_create(
        Ticket(customer=owner, entitlement=entitlement, product=product, title=f"Someone else's {n}")
        for n in range(count)
    )
    if not tickets[0].pk:
        tickets = list(Ticket.objects.filter(customer=owner).order_by("-pk")[:count])
    messages = Message.objects.bulk_create(
        Message(ticket=ticket, author=owner, body="Not yours.", body_html="<p>Not yours.</p>")
        for ticket in tickets
    )
    if not messages[0].pk:
        messages = list(Message.objects.filter(ticket__customer=owner).order_by("-pk")[:count])
    Attachment.objects.bulk_create(
        Attachment(message=message, file="x/log.txt", name="log.txt", content_type="text/plain", size=1)
        for message in messages
    )


def assert_flat_reads(client, url, strict=True, first=10):
    """The page at ``url`` reads as many rows, in as many queries, with ``first`` (10) or 1,000 other
    tickets, purchases and entitlements in the database; ``strict`` also refuses any big-table query
    without WHERE. Staff listings show everyone's rows a page at a time: they start past one page.
    """
    add_other_rows(first)
    client.get(url)  # warm caches (site root paths, content types)
    few = assert_no_unfiltered_reads(client, url) if strict else reads_of(client, url)
    add_other_rows(1000 - first)
    many = assert_no_unfiltered_reads(client, url) if strict else reads_of(client, url)
    assert (many.rows, len(many.reads)) == (few.rows, len(few.reads)), (
        f"{url} read {few.rows} rows in {len(few.reads)} queries with 10 other tickets, "
        f"{many.rows} in {len(many.reads)} with 1,000"
    )
    return many
