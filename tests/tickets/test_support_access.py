"""Done-when 2: every route of the support section × every role answers the expected status, and nobody
reaches another customer's ticket or attachment (404, the same as a missing one).

Staff (agents, editors, superusers) work on tickets in the Wagtail admin; on the customer's pages they
are customers like any other and only see their own tickets.
"""

import re

import pytest
from django.core.cache import cache

from tests.factories import (
    EntitlementFactory,
    InstallationFactory,
    TicketFactory,
    UserFactory,
    publish_support_page,
)
from tests.tickets.test_support_views import screenshot
from wagtail_support.models import Message, Ticket, TicketColleague
from wagtail_support.tickets import services

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "customer_a", "colleague", "customer_b", "agent", "editor", "superuser"]
SECRET = "Ann's secret checkout problem"


@pytest.fixture
def world():
    cache.clear()
    publish_support_page()
    ann = UserFactory(username="ann")
    entitlement = EntitlementFactory(purchase__customer=ann)
    InstallationFactory(entitlement=entitlement, domain="ann.example")
    ticket = services.open_ticket(ann, entitlement, SECRET, "It fails.", files=[screenshot()])
    sam = UserFactory(username="sam")  # a colleague Ann added to this one ticket
    TicketColleague.objects.create(ticket=ticket, user=sam, email=sam.email, added_by=ann)
    TicketFactory(entitlement=entitlement, title="Ann's other question")
    bob = UserFactory(username="bob")
    TicketFactory(entitlement=EntitlementFactory(purchase__customer=bob), title="Bob's own question")
    users = {
        "customer_a": ann,
        "colleague": sam,
        "customer_b": bob,
        "agent": UserFactory(username="agent", groups=["Support agents"], is_staff=True),
        "editor": UserFactory(username="editor", groups=["Editors"], is_staff=True),
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    attachment = Message.objects.get(ticket=ticket).attachments.get()
    return {"ticket": ticket, "attachment": attachment, "users": users}


def routes(ticket, attachment):
    """(name, method, path, data) of every route; A's ticket where a ticket is needed."""
    base = f"/support/{ticket.reference}/"
    return [
        ("my tickets", "get", "/support/", {}),
        ("new", "get", "/support/new/", {}),
        ("my products", "get", "/support/products/", {}),
        ("preview", "post", "/support/preview/", {"body": "*hi*"}),
        ("suggest", "get", "/support/suggest/", {"q": "help"}),
        ("ticket", "get", base, {}),
        ("reply", "post", f"{base}reply/", {"body": "More details."}),
        ("reply preview", "post", f"{base}reply/preview/", {"body": "*hi*"}),
        ("rate (open ticket)", "post", f"{base}rate/", {"score": "5"}),
        ("attachment", "get", f"{base}attachments/{attachment.pk}/", {}),
        ("thumbnail", "get", f"{base}attachments/{attachment.pk}/thumbnail/", {}),
        ("add colleague", "post", f"{base}colleagues/", {"email": "kim@example.com"}),
        ("remove colleague", "post", f"{base}colleagues/999999/remove/", {}),
        ("profile", "get", "/support/profile/", {}),
        ("confirm e-mail (bad link)", "get", "/support/profile/email/", {"token": "forged"}),
        ("close", "post", f"{base}close/", {}),
        ("reopen", "post", f"{base}reopen/", {}),
        ("missing ticket", "get", "/support/SUP-999999/", {}),
        ("missing attachment", "get", f"{base}attachments/999999/", {}),
        ("not a reference", "get", "/support/XYZ-1/", {}),
    ]


OWN = {
    "my tickets": 200,
    "new": 200,
    "my products": 200,
    "preview": 200,
    "suggest": 200,
    "ticket": 200,
    "reply": 302,
    "reply preview": 200,
    "rate (open ticket)": 400,  # rating waits until the ticket is closed
    "attachment": 200,
    "thumbnail": 200,
    "add colleague": 302,
    "remove colleague": 302,
    "profile": 200,
    "confirm e-mail (bad link)": 400,
    "close": 302,
    "reopen": 302,
    "missing ticket": 404,
    "missing attachment": 404,
    "not a reference": 404,
}
SOMEONE_ELSES = {
    **OWN,
    "ticket": 404,
    "reply": 404,
    "reply preview": 404,
    "rate (open ticket)": 404,
    "attachment": 404,
    "thumbnail": 404,
    "add colleague": 404,
    "remove colleague": 404,
    "close": 404,
    "reopen": 404,
    "missing attachment": 404,
}
#: A colleague reads and replies to that ticket; the customer's own actions on it stay the customer's.
COLLEAGUE = {
    **OWN,
    "rate (open ticket)": 404,
    "add colleague": 404,
    "remove colleague": 404,
    "close": 404,
    "reopen": 404,
}
EXPECTED = {
    "anonymous": dict.fromkeys(OWN, 302),  # sent to log in, then back
    "customer_a": OWN,
    "colleague": COLLEAGUE,
    "customer_b": SOMEONE_ELSES,
    "agent": SOMEONE_ELSES,
    "editor": SOMEONE_ELSES,
    "superuser": SOMEONE_ELSES,
}


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_expected(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    ticket = world["ticket"]
    before = Ticket.objects.filter(pk=ticket.pk).values().get()
    messages_before = ticket.messages.count()

    answers = {}
    for name, method, path, data in routes(ticket, world["attachment"]):
        response = getattr(client, method)(path, data)
        answers[name] = response.status_code
        if role == "anonymous":
            assert response["Location"].startswith("/support-center/account/login/?next=/support/")
        if role not in ("customer_a", "colleague") and name != "my products":
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert SECRET.encode() not in body, f"{role} sees Ann's ticket on {name}"

    assert answers == EXPECTED[role]
    if role == "colleague":
        other = Ticket.objects.get(title="Ann's other question")
        assert client.get(f"/support/{other.reference}/").status_code == 404  # that ticket only
    if role not in ("customer_a", "colleague"):
        after = Ticket.objects.filter(pk=ticket.pk).values().get()
        assert after == before and ticket.messages.count() == messages_before


def test_missing_and_foreign_tickets_answer_the_same(client, world):
    client.force_login(world["users"]["customer_b"])
    reference = world["ticket"].reference
    foreign = client.get(f"/support/{reference}/")
    missing = client.get("/support/SUP-999999/")

    assert foreign.status_code == missing.status_code == 404

    def page(response):  # without the per-response CSRF token of the log-out form
        return re.sub(rb'value="[^"]+"', b"", response.content.replace(reference.encode(), b"SUP-999999"))

    assert page(foreign) == page(missing)
