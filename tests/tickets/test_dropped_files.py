"""Issue 13, point 13 (rest): a file part whose name Django's multipart parser drops ("", ".", "..", a
name ending in "/") is reported when the page said how many files were chosen (the hidden
``<field>-chosen`` count that files-chosen.js fills in), and nothing is written. Without that count
(no JavaScript) nothing can be known, and the rest is saved as before."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories import MessageFactory, TicketFactory, UserFactory
from tests.tickets.test_support_hostile import customer  # noqa: F401 - the signed-in customer fixture
from tests.tickets.test_support_views import new_ticket_data, png_bytes
from wagtail_support.models import Attachment, Message, Ticket

pytestmark = pytest.mark.django_db

LOST = "1 of the files you chose could not be read; nothing was saved."
MULTIPART = "multipart/form-data; boundary=B"


def multipart(fields, field_name, file_names):
    """A raw multipart body: ``fields``, then one PNG part per name, the name's bytes as given."""
    parts = [
        b'--B\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (k.encode(), str(v).encode())
        for k, v in fields.items()
    ]
    for name in file_names:
        parts.append(
            b'--B\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
            b"Content-Type: image/png\r\n\r\n%s\r\n" % (field_name.encode(), name, png_bytes())
        )
    return b"".join(parts) + b"--B--\r\n"


@pytest.mark.parametrize("dropped", [b"", b".", b"..", b"screenshots/"])
def test_a_reply_with_a_file_the_parser_dropped_says_so_and_saves_nothing(
    client,
    customer,  # noqa: F811
    dropped,
):
    ticket = TicketFactory(entitlement=customer)
    fields = {"body": "See both files.", "attachments-chosen": 2}
    body = multipart(fields, "attachments", [b"ok.png", dropped])

    response = client.post(f"/support/{ticket.reference}/reply/", body, content_type=MULTIPART)

    assert response.status_code == 400
    assert LOST in response.content.decode()
    assert not Message.objects.filter(body="See both files.").exists() and not Attachment.objects.exists()


def test_a_new_ticket_with_a_file_the_parser_dropped_says_so_and_opens_nothing(
    client,
    customer,  # noqa: F811
):
    fields = {**new_ticket_data(customer), "attachments-chosen": 1}

    response = client.post("/support/new/", multipart(fields, "attachments", [b".."]), content_type=MULTIPART)

    assert response.status_code == 400
    assert LOST in response.content.decode()
    assert not Ticket.objects.exists()


def test_an_agent_reply_with_a_file_the_parser_dropped_says_so_and_saves_nothing(client):
    client.force_login(UserFactory(username="agent", groups=["Support agents"]))
    ticket = TicketFactory()
    MessageFactory(ticket=ticket)
    fields = {"action": "reply", "body": "Here you are.", "files-chosen": 1}
    url = reverse("wagtail_support_tickets:inspect", args=[ticket.pk])

    response = client.post(url, multipart(fields, "files", [b"."]), content_type=MULTIPART)

    assert LOST in response.content.decode()
    assert not Message.objects.filter(from_staff=True).exists()


def test_without_the_count_the_files_that_arrived_are_saved(client, customer):  # noqa: F811
    ticket = TicketFactory(entitlement=customer)
    body = multipart({"body": "No script here."}, "attachments", [b"ok.png", b".."])

    response = client.post(f"/support/{ticket.reference}/reply/", body, content_type=MULTIPART)

    assert response.status_code == 302
    assert Attachment.objects.filter(message__body="No script here.").count() == 1


def test_every_attachments_field_carries_the_chosen_count_and_its_script(client, customer):  # noqa: F811
    ticket = TicketFactory(entitlement=customer)
    customer_page = BeautifulSoup(client.get(f"/support/{ticket.reference}/").content, "html.parser")
    client.force_login(UserFactory(username="agent", groups=["Support agents"]))
    admin_page = BeautifulSoup(
        client.get(reverse("wagtail_support_tickets:inspect", args=[ticket.pk])).content, "html.parser"
    )

    for page, name in ((customer_page, "attachments"), (admin_page, "files")):
        assert page.select_one(f"input[type=hidden][name={name}-chosen][data-support-files-chosen]")
        assert page.select_one("script[src*='files-chosen']")
