"""Attachments (issue 13, points 6, 12, 13): the agents' form takes several files with the customer's checks;
active content is refused however it is disguised; files are stored under their verified type's extension;
odd file names give a form error or a safe name, never a bare "Bad Request"."""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.factories import MessageFactory, TicketFactory, UserFactory
from tests.tickets.test_support_hostile import customer  # noqa: F401 - the signed-in customer fixture
from tests.tickets.test_support_views import new_ticket_data, png_bytes
from wagtail_support.models import Attachment, Message, Ticket
from wagtail_support.tickets.attachments import safe_name, sniff_type

pytestmark = pytest.mark.django_db

REFUSED = "cannot be attached. Files may be: PNG, JPEG, GIF, WebP, PDF"


def upload(name, content, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# 12. Active content


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(buffer, "JPEG")
    return buffer.getvalue()


ACTIVE = {
    "html fragment named as a screenshot": ("shot.png", b'hello <img src=x onerror="alert(1)">'),
    "html fragment starting with a tag": ("shot.png", b"<p>hi</p><b onmouseover=alert(1)>x</b>"),
    "html after a leading comment": ("notes.txt", b"<!-- hi --><html><script>alert(1)</script></html>"),
    "html after a utf-8 bom": ("notes.txt", b"\xef\xbb\xbf<html><script>alert(1)</script></html>"),
    "svg after a bom": ("shot.png", b'\xef\xbb\xbf<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>'),
    "svg after whitespace and a comment": (
        "debug.log",
        b'\n  \t<!-- generated -->\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ),
    "pdf header followed by html": ("report.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>"),
    "html after a real jpeg header": ("shot.jpg", jpeg_bytes()[:200] + b"<html><script>alert(1)</script>"),
}


@pytest.mark.parametrize("case", ACTIVE)
def test_active_content_is_refused_however_it_is_disguised(client, customer, case):  # noqa: F811
    name, content = ACTIVE[case]

    response = client.post("/support/new/", new_ticket_data(customer, attachments=[upload(name, content)]))

    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


@pytest.mark.parametrize(
    "content, kind",
    [
        (png_bytes(), "image/png"),
        (jpeg_bytes(), "image/jpeg"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n", "application/pdf"),
        (b"2025-05-01 ERROR checkout failed: x < 3 and y > 2\n", "text/plain"),
        (b"\xef\xbb\xbfplain log with a bom\n", "text/plain"),
    ],
)
def test_real_screenshots_pdfs_and_logs_are_still_accepted(content, kind):
    assert sniff_type(upload("f", content)) == kind


def test_a_file_is_stored_under_the_extension_of_its_verified_type(client, customer):  # noqa: F811
    files = [upload("shot.svg", png_bytes()), upload("page.html", b"just a log line\n", "text/html")]

    response = client.post("/support/new/", new_ticket_data(customer, attachments=files))

    assert response.status_code == 302
    stored = {a.content_type: a for a in Attachment.objects.all()}
    assert stored["image/png"].file.name.endswith(".png")
    assert stored["text/plain"].file.name.endswith(".txt")
    assert stored["image/png"].name == "shot.svg.png"  # the customer's name, ending as what it is
    assert stored["text/plain"].name == "page.html.txt"


# 13. File names


@pytest.mark.parametrize(
    "name", ["x" * 5000 + ".png", "!!!.png", "%%%", "...png", "<script>.png", "a\u202eb.png"]
)
def test_odd_file_names_get_a_safe_name_not_a_bad_request(client, customer, name):  # noqa: F811
    data = new_ticket_data(customer, attachments=[upload(name, png_bytes())])

    response = client.post("/support/new/", data)

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert 0 < len(attachment.name) <= 120
    assert attachment.name.endswith(".png")
    assert not set(attachment.name) & set("<>/\\\u202e")


def test_safe_name_never_fails():
    for name in ["", ".", "..", "/", "\\", "\r\n", "....", "?" * 300, "\x00"]:
        assert safe_name(name)


# 6. Agents attach several files, with the customer's checks


@pytest.fixture
def agent_ticket(client):
    agent = UserFactory(username="agent", groups=["Support agents"])
    client.force_login(agent)
    ticket = TicketFactory()
    MessageFactory(ticket=ticket)
    return ticket


def agent_reply(client, ticket, files, action="reply"):
    url = reverse("wagtail_support_tickets:inspect", args=[ticket.pk])
    return client.post(url, {"action": action, "body": "See the files.", "files": files})


def test_the_agent_reply_form_offers_several_files(client, agent_ticket):
    page = client.get(reverse("wagtail_support_tickets:inspect", args=[agent_ticket.pk]))

    [field] = BeautifulSoup(page.content, "html.parser").select("input[type=file][name=files]")
    assert field.has_attr("multiple")
    assert not field.has_attr("allow_multiple_selected")
    assert "image/png" in field["accept"]


def test_an_agent_attaches_several_files_to_one_reply(client, agent_ticket):
    files = [upload(f"{n}.png", png_bytes()) for n in range(3)]

    response = agent_reply(client, agent_ticket, files)

    assert response.status_code == 302
    message = Message.objects.filter(ticket=agent_ticket, from_staff=True).get()
    assert message.attachments.count() == 3


def test_an_agents_disguised_file_is_a_form_error_and_nothing_is_sent(client, agent_ticket):
    files = [upload("ok.png", png_bytes()), upload("evil.png", b"<svg onload=alert(1)>")]

    response = agent_reply(client, agent_ticket, files, action="note")

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not Message.objects.filter(from_staff=True).exists() and not Attachment.objects.exists()


def test_images_that_do_not_decode_are_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    truncated = buffer.getvalue()[:30]
    assert sniff_type(upload("x.png", truncated)) is None


def raw_multipart(fields, file_name, content):
    """A multipart body as a hostile client may send it: the file name's bytes exactly as given."""
    parts = [
        b'--B\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (k.encode(), str(v).encode())
        for k, v in fields.items()
    ]
    parts.append(
        b'--B\r\nContent-Disposition: form-data; name="attachments"; filename="'
        + file_name
        + b'"\r\nContent-Type: image/png\r\n\r\n'
        + content
        + b"\r\n"
    )
    return b"".join(parts) + b"--B--\r\n"


@pytest.mark.parametrize("file_name", [b"shot\r\n.png", b"...", b"a\x00b.png"])
def test_raw_file_names_with_line_breaks_or_only_dots_are_kept_under_a_safe_name(
    client,
    customer,  # noqa: F811
    file_name,
):
    body = raw_multipart(new_ticket_data(customer), file_name, png_bytes())

    response = client.post("/support/new/", body, content_type="multipart/form-data; boundary=B")

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name.endswith(".png") and not set(attachment.name) & set('\r\n\x00"')


def test_an_image_too_large_to_unpack_is_refused_before_decoding():
    buffer = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(buffer, "PNG")  # a few kilobytes, 50 megapixels

    assert sniff_type(upload("bomb.png", buffer.getvalue())) is None
