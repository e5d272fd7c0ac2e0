"""The queue's word search follows every change to a ticket's words: replies, merges, new titles, deletions.

On PostgreSQL the words live in each ticket's search document (its row of ``TicketSearchDocument``),
which the database keeps current (migrations 0010 and 0020, fenced in docs/architecture.md);
elsewhere the search reads titles and messages directly. Both must answer alike.
"""

from datetime import timedelta
from importlib import import_module

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import MessageFactory, TicketFactory, UserFactory
from wagtail_support.staff.search import search_tickets
from wagtail_support.tickets import workflow
from wagtail_support.tickets.models import Message, Ticket, TicketSearchDocument

pytestmark = pytest.mark.django_db


def found(query):
    return set(search_tickets(Ticket.objects.all(), query).values_list("pk", flat=True))


def test_titles_and_every_message_are_searched_internal_notes_included():
    ticket = TicketFactory(title="Checkout page is blank")
    MessageFactory(ticket=ticket, body="The payment widget vanished")
    agent = UserFactory(username="agent")
    MessageFactory(
        ticket=ticket, author=agent, from_staff=True, is_internal=True, body="Cache plugin conflict"
    )
    TicketFactory(title="Header menu")

    assert found("checkout") == {ticket.pk}
    assert found("widget") == {ticket.pk}
    assert found("Widget vanished") == {ticket.pk}  # every word, in any case
    assert found("plugin") == {ticket.pk}
    assert found("widget header") == set()


def test_a_reply_is_found_as_soon_as_it_is_written():
    ticket = TicketFactory(title="Slow site")
    assert found("certificate") == set()
    MessageFactory(ticket=ticket, body="The certificate expired yesterday")
    assert found("certificate") == {ticket.pk}


def test_merging_moves_the_words_with_the_messages():
    customer = UserFactory(username="buyer")
    duplicate = TicketFactory(title="Invoice missing", customer=customer)
    target = TicketFactory(title="Billing question", customer=customer)
    MessageFactory(ticket=duplicate, author=customer, body="Where is my receipt")
    workflow.merge(duplicate, target, by=UserFactory(username="agent"))

    assert found("receipt") == {target.pk}
    # The duplicate keeps its title; the target's merge note quotes it.
    assert found("invoice") == {duplicate.pk, target.pk}


def test_a_new_title_replaces_the_old_words_and_keeps_the_messages():
    ticket = TicketFactory(title="Blank page")
    MessageFactory(ticket=ticket, body="Footer overlaps the sidebar")
    ticket.title = "Footer layout broken"
    ticket.save()

    assert found("blank") == set()
    assert found("layout") == {ticket.pk}
    assert found("sidebar") == {ticket.pk}


def test_saving_a_ticket_without_a_new_title_keeps_its_message_words():
    ticket = TicketFactory(title="Domain settings")
    MessageFactory(ticket=ticket, body="DNS records")
    ticket.priority = 30
    ticket.save()
    assert found("dns") == {ticket.pk}


def test_deleted_messages_are_no_longer_found():
    ticket = TicketFactory(title="Fonts")
    kept = MessageFactory(ticket=ticket, body="Mobile layout")
    gone = MessageFactory(ticket=ticket, body="Secret token pasted by mistake")
    gone.delete()

    assert found("token") == set()
    assert found("mobile") == {ticket.pk}
    kept.body = "Tablet layout"
    kept.save()
    assert found("mobile") == set()
    assert found("tablet") == {ticket.pk}


def distinct_words(prefix, count):
    """``count`` different words: each one a new entry in a search document."""
    return " ".join(f"{prefix}{i:06x}" for i in range(count))


@pytest.mark.postgresql
def test_a_huge_message_is_saved_and_searched_by_its_beginning():
    ticket = TicketFactory(title="Server log attached")
    # 1.2 million characters of different words: more than PostgreSQL takes in one tsvector.
    message = MessageFactory(ticket=ticket, body="firstline " + distinct_words("x", 130_000))

    assert Message.objects.filter(pk=message.pk).exists()
    assert found("server") == {ticket.pk}
    assert found("firstline") == {ticket.pk}
    MessageFactory(ticket=ticket, body="Backup restored")
    assert found("backup") == {ticket.pk}


@pytest.mark.postgresql
def test_a_full_document_keeps_its_earlier_words_whatever_changes_later():
    ticket = TicketFactory(title="Crash logs")
    # Twelve messages of about 100 KB of different words: together past the 1 MB limit.
    Message.objects.bulk_create(
        Message(ticket=ticket, author=ticket.customer, body=f"part{n} " + distinct_words(f"p{n}w", 11_000))
        for n in range(12)
    )
    other = TicketFactory(title="Unrelated")
    MessageFactory(ticket=other, body="zebra")
    small = MessageFactory(ticket=ticket, body="Backup restored")

    assert found("crash") == {ticket.pk} and found("part0") == {ticket.pk}
    assert found("zebra") == {other.pk}
    small.body = "Backup restored again"
    small.save()  # recomputing the whole document keeps the same earlier words
    assert found("part0") == {ticket.pk} and found("crash") == {ticket.pk}
    ticket.title = "Crash logs from the night"
    ticket.save()
    assert found("night") == {ticket.pk} and found("part0") == {ticket.pk}


@pytest.mark.postgresql
def test_one_huge_ticket_in_a_bulk_insert_does_not_cost_the_others_their_words():
    huge, plain = TicketFactory(title="Huge"), TicketFactory(title="Plain")
    Message.objects.bulk_create(
        [
            *(
                Message(ticket=huge, author=huge.customer, body=distinct_words(f"h{n}w", 11_000))
                for n in range(12)
            ),
            Message(ticket=plain, author=plain.customer, body="zebra crossing"),
        ]
    )
    assert found("zebra") == {plain.pk}
    assert found("huge") == {huge.pk}


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # TRUNCATE outside a test transaction
def test_emptying_the_messages_table_leaves_each_ticket_its_title():
    ticket = TicketFactory(title="Blank page")
    MessageFactory(ticket=ticket, body="Footer overlaps")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE wagtail_support_message CASCADE")
    assert found("footer") == set()
    assert found("blank") == {ticket.pk}


@pytest.mark.postgresql
def test_the_document_holds_words_without_positions():
    ticket = TicketFactory(title="Checkout checkout")
    MessageFactory(ticket=ticket, body="Payment and checkout")
    assert document_of(ticket) == "'and' 'checkout' 'payment'"


def document_of(ticket):
    return TicketSearchDocument.objects.filter(ticket=ticket).values_list("document", flat=True).first()


def migration_0020():
    return import_module("wagtail_support.migrations.0020_ticket_search_table")


@pytest.mark.postgresql
def test_the_set_based_backfill_gives_each_ticket_exactly_the_function_s_document():
    """Migration 0020's REBUILD (0010's backfill, into the table) fills every ticket's document in one pass
    grouped by ticket: row by row, the same document as wsupport_ticket_document() (the triggers'
    per-ticket recomputation), limits and order included."""
    agent = UserFactory(username="agent")
    TicketFactory(title="Lonely title without messages")
    TicketFactory(title="")
    notes = TicketFactory(title="Checkout page is blank")
    MessageFactory(ticket=notes, body="The payment widget vanished")
    MessageFactory(
        ticket=notes, author=agent, from_staff=True, is_internal=True, body="Cache plugin conflict"
    )
    MessageFactory(ticket=notes, body="")
    # Messages written in another order than their ids, and two at the same instant (then by id).
    shuffled = TicketFactory(title="Shuffled")
    late, early, tied = (MessageFactory(ticket=shuffled, body=f"{w} word") for w in ("late", "early", "tied"))
    now = timezone.now()
    Message.objects.filter(pk=late.pk).update(created_at=now)
    Message.objects.filter(pk__in=[early.pk, tied.pk]).update(created_at=now - timedelta(hours=1))
    # A message past 100,000 characters gives only the words of its beginning.
    long_one = TicketFactory(title="Server log attached")
    MessageFactory(ticket=long_one, body="firstline " + distinct_words("x", 20_000) + " lastline")
    # Past the 1 MB limit: the title and the oldest messages stay, big messages that no longer fit are
    # left out, and a small one after them still fits (the messages' dates decide what is kept).
    full = TicketFactory(title="Crash logs")
    Message.objects.bulk_create(
        Message(ticket=full, author=full.customer, body=f"part{n} " + distinct_words(f"p{n}w", 11_000))
        for n in range(12)
    )
    # The first part written is dated last: by date it comes after the others, so it is the one left out.
    Message.objects.filter(ticket=full, body__startswith="part0 ").update(created_at=now + timedelta(hours=1))
    small = MessageFactory(ticket=full, body="backup restored")
    Message.objects.filter(pk=small.pk).update(created_at=now + timedelta(days=1))

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, wsupport_ticket_document(title, id)::text FROM wagtail_support_ticket")
        expected = dict(cursor.fetchall())
        cursor.execute("DELETE FROM wagtail_support_ticketsearchdocument")
        cursor.execute(migration_0020().REBUILD)
        cursor.execute("SELECT ticket_id, document::text FROM wagtail_support_ticketsearchdocument")
        filled = dict(cursor.fetchall())

    assert len(expected) == 6
    for pk, document in expected.items():
        assert filled[pk] == document, pk
    # The cases above are the ones the limits make: the long message's end is cut, the full document
    # kept its title and oldest parts, left out the part dated last and took the small message after it.
    assert "'firstline'" in filled[long_one.pk] and "'lastline'" not in filled[long_one.pk]
    assert "'crash'" in filled[full.pk] and "'part1'" in filled[full.pk] and "'part0'" not in filled[full.pk]
    assert "'backup'" in filled[full.pk]
    assert filled[notes.pk] == "'blank' 'cache' 'checkout' 'conflict' 'is' 'page' 'payment' 'plugin' " + (
        "'the' 'vanished' 'widget'"
    )


@pytest.mark.postgresql
def test_each_ticket_has_one_row_and_a_deleted_ticket_s_row_goes():
    first, second = TicketFactory(title="Checkout blank"), TicketFactory(title="Header menu")
    Ticket.objects.bulk_create(  # one statement, one trigger call: every new ticket gets its row
        [
            Ticket(customer=first.customer, entitlement=first.entitlement, product=first.product, title=t)
            for t in ("Bulk one", "Bulk two")
        ]
    )
    assert TicketSearchDocument.objects.count() == Ticket.objects.count() == 4
    MessageFactory(ticket=second, body="Certificate expired")
    assert document_of(second) == "'certificate' 'expired' 'header' 'menu'"
    second.delete()
    assert not TicketSearchDocument.objects.filter(ticket_id=second.pk).exists()
    assert found("certificate") == set() and found("checkout") == {first.pk}


@pytest.mark.postgresql
def test_a_reply_and_a_merge_update_the_documents_rows():
    customer = UserFactory(username="buyer")
    duplicate = TicketFactory(title="Invoice missing", customer=customer)
    target = TicketFactory(title="Billing question", customer=customer)
    MessageFactory(ticket=duplicate, author=customer, body="Where is my receipt")
    assert "'receipt'" in document_of(duplicate)
    workflow.merge(duplicate, target, by=UserFactory(username="agent"))
    assert "'receipt'" not in document_of(duplicate) and "'receipt'" in document_of(target)


@pytest.mark.postgresql
def test_the_ticket_table_holds_no_search_document():
    """The documents live in their own table (issue 18): the ticket row stays narrow."""
    with connection.cursor() as cursor:
        columns = [
            c.name for c in connection.introspection.get_table_description(cursor, "wagtail_support_ticket")
        ]
    assert "search_document" not in columns


def test_a_name_finds_the_person_s_tickets_and_the_conversations_that_name_them():
    dana = UserFactory(username="dana", first_name="Dana", last_name="Buyer")
    hers = TicketFactory(title="Blank page", customer=dana)
    other = TicketFactory(title="Fonts")
    assert found("Dana Buyer") == {hers.pk}  # no conversation holds the name: her tickets only
    MessageFactory(ticket=other, body="Dana from accounting asked too")
    assert found("Dana") == {hers.pk, other.pk}
