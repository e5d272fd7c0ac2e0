"""The queue's word search follows every change to a ticket's words: replies, merges, new titles, deletions.

On PostgreSQL the words live in each ticket's search document, which the database keeps current
(migration 0010); elsewhere the search reads titles and messages directly. Both must answer alike.
"""

import pytest
from django.db import connection

from tests.factories import MessageFactory, TicketFactory, UserFactory
from wagtail_support.staff.search import search_tickets
from wagtail_support.tickets import workflow
from wagtail_support.tickets.models import Message, Ticket

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


@pytest.mark.postgresql
def test_a_message_too_big_for_the_search_document_is_still_saved():
    ticket = TicketFactory(title="Server log attached")
    # About 130,000 distinct words: more than PostgreSQL's 1 MB limit for one tsvector.
    log = " ".join(f"x{i:07x}" for i in range(130_000))
    message = MessageFactory(ticket=ticket, body=log)

    assert Message.objects.filter(pk=message.pk).exists()
    assert found("server") == {ticket.pk}
    MessageFactory(ticket=ticket, body="Backup restored")
    assert found("backup") == {ticket.pk}


@pytest.mark.postgresql
def test_the_document_holds_words_without_positions():
    ticket = TicketFactory(title="Checkout checkout")
    MessageFactory(ticket=ticket, body="Payment and checkout")
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_document::text FROM wagtail_support_ticket WHERE id = %s", [ticket.pk])
        (document,) = cursor.fetchone()
    assert document == "'and' 'checkout' 'payment'"
