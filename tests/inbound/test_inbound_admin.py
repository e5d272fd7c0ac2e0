"""Support → Inbound e-mail: agents see what came in and why; a retry (POST) and the raw message only for
staff with those rights."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.admin_access import DENIED, outcome
from tests.factories import UserFactory
from wagtail_support.inbound.models import InboundMessage, InboundStatus

pytestmark = pytest.mark.django_db

INDEX = reverse("wagtail_support_inbound:index")
RAW = (
    b"From: stranger@example.net\r\nSubject: Hello <script>\r\nMessage-ID: <held-1@example.net>\r\n\r\nHi\r\n"
)


def make_user(username, *codenames):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", "password", is_staff=True
    )
    for codename in ("access_admin", *codenames):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def held():
    row = InboundMessage(
        message_id="<held-1@example.net>",
        via="pipe",
        sender="stranger@example.net",
        subject="Hello <script>",
        status=InboundStatus.HELD_FOR_STAFF,
        reason="stranger@example.net has no customer account; they were told how to get support.",
    )
    row.raw.save("message.eml", ContentFile(RAW), save=False)
    row.save()
    return row


def test_support_agents_see_the_inbound_list_with_status_reason_and_sender(client, held):
    agent = UserFactory(username="agent", is_staff=True, groups=["Support agents"])
    client.force_login(agent)
    page = client.get(INDEX).content.decode()
    assert "stranger@example.net" in page and "Held for the team" in page and "no customer account" in page
    assert "Hello &lt;script&gt;" in page and "Hello <script>" not in page
    assert "Inbound e-mail" in page
    inspect = client.get(reverse("wagtail_support_inbound:inspect", args=[held.pk])).content.decode()
    assert "Retry" not in inspect and "Download the raw message" not in inspect


def test_retry_and_raw_download_need_their_permissions(client, held):
    client.force_login(make_user("viewer", "view_inboundmessage"))
    assert outcome(client.post(reverse("wagtail_support_inbound:retry", args=[held.pk]))) == DENIED
    assert outcome(client.get(reverse("wagtail_support_inbound:raw", args=[held.pk]))) == DENIED
    held.refresh_from_db()
    assert held.status == InboundStatus.HELD_FOR_STAFF
    client.force_login(make_user("no_rights"))
    assert outcome(client.get(INDEX)) == DENIED


def test_retry_is_a_post_and_processes_the_row_again(
    client, held, monkeypatch, django_capture_on_commit_callbacks
):
    from wagtail_support.inbound import services

    queued = []
    monkeypatch.setattr(services, "queue_processing", lambda pk, countdown=None: queued.append(pk))
    client.force_login(make_user("operator", "view_inboundmessage", "retry_inboundmessage"))
    url = reverse("wagtail_support_inbound:retry", args=[held.pk])
    assert client.get(url).status_code == 405
    held.refresh_from_db()
    assert held.status == InboundStatus.HELD_FOR_STAFF
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": "//evil.example/"})
    assert response.status_code == 302 and response["Location"] == INDEX
    held.refresh_from_db()
    assert held.status == InboundStatus.RECEIVED and held.attempts == 0
    assert queued == [held.pk]


def test_the_raw_message_downloads_as_an_attachment_for_staff_with_the_permission(client, held):
    client.force_login(make_user("auditor", "view_inboundmessage", "download_inboundmessage"))
    response = client.get(reverse("wagtail_support_inbound:raw", args=[held.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == RAW
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "message/rfc822"
    inspect = client.get(reverse("wagtail_support_inbound:inspect", args=[held.pk])).content.decode()
    assert "Download the raw message" in inspect
