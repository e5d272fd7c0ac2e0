"""The outbox screen in the Wagtail admin: who sees it, what it shows, and the retry action."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.admin_access import DENIED, LOGIN, OK, outcome
from wagtail_support.notifications.models import Notification, NotificationStatus

pytestmark = pytest.mark.django_db

INDEX = reverse("wagtail_support_outbox:index")


def make_user(username, *permissions, superuser=False, staff=True):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", "password", is_staff=staff, is_superuser=superuser
    )
    for codename in permissions:
        app_label, codename = codename.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


ADMIN = "wagtailadmin.access_admin"


@pytest.fixture
def users():
    editor = make_user("editor", ADMIN)
    editor.groups.add(Group.objects.get(name="Editors"))
    return {
        "anonymous": None,
        "customer": make_user("customer", staff=False),
        "editor": editor,
        "viewer": make_user("viewer", ADMIN, "wagtail_support.view_notification"),
        "operator": make_user(
            "operator", ADMIN, "wagtail_support.view_notification", "wagtail_support.retry_notification"
        ),
        "superuser": make_user("root", superuser=True),
    }


@pytest.fixture
def failed():
    return Notification.objects.create(
        kind="test_message",
        recipient="ann@example.com",
        dedupe_key="failed-1",
        status=NotificationStatus.FAILED,
        attempts=5,
        last_error="SMTPDataError: 451 4.3.0 Mail server busy, try again later",
    )


@pytest.fixture
def sent():
    return Notification.objects.create(
        kind="test_message",
        recipient="bob@example.com",
        dedupe_key="sent-1",
        status=NotificationStatus.SENT,
        attempts=1,
        sent_at=timezone.now(),
    )


def get_as(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    "role, can_view, can_retry",
    [
        ("anonymous", LOGIN, LOGIN),
        ("customer", LOGIN, LOGIN),
        ("editor", DENIED, DENIED),
        ("viewer", OK, DENIED),
        ("operator", OK, OK),
        ("superuser", OK, OK),
    ],
)
def test_outbox_access_by_role(client, users, failed, role, can_view, can_retry):
    if users[role] is not None:
        client.force_login(users[role])
    assert outcome(client.get(INDEX)) == can_view
    assert outcome(client.get(reverse("wagtail_support_outbox:inspect", args=[failed.pk]))) == can_view
    assert outcome(client.post(reverse("wagtail_support_outbox:retry", args=[failed.pk]))) == can_retry
    failed.refresh_from_db()
    assert failed.status == (NotificationStatus.PENDING if can_retry == OK else NotificationStatus.FAILED)


@pytest.mark.parametrize("role, shown", [("editor", False), ("viewer", True), ("superuser", True)])
def test_support_menu_shows_the_outbox_only_to_permitted_staff(client, users, role, shown):
    response = get_as(client, users[role], reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert (INDEX.encode() in response.content) is shown


def test_listing_shows_status_attempts_and_the_last_error(client, users, failed, sent):
    response = get_as(client, users["viewer"], INDEX)
    content = response.content.decode()
    assert "ann@example.com" in content and "bob@example.com" in content
    assert "Mail server busy" in content
    assert "Failed" in content and "Sent" in content
    assert "Retry" not in content  # the viewer may not retry


def test_listing_offers_retry_only_for_failed_rows_to_operators(client, users, failed, sent):
    response = get_as(client, users["operator"], INDEX)
    content = response.content.decode()
    assert reverse("wagtail_support_outbox:retry", args=[failed.pk]) in content
    assert reverse("wagtail_support_outbox:retry", args=[sent.pk]) not in content


def test_listing_filters_by_status(client, users, failed, sent):
    response = get_as(client, users["viewer"], INDEX + "?status=failed")
    content = response.content.decode()
    assert "ann@example.com" in content and "bob@example.com" not in content


def test_inspect_shows_the_error_and_a_retry_button(client, users, failed):
    response = get_as(client, users["operator"], reverse("wagtail_support_outbox:inspect", args=[failed.pk]))
    content = response.content.decode()
    assert "451 4.3.0 Mail server busy" in content
    assert "Retry sending" in content


def test_retry_sends_the_message_again_and_returns_to_the_listing(
    client, users, failed, django_capture_on_commit_callbacks
):
    client.force_login(users["operator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtail_support_outbox:retry", args=[failed.pk]), {"next": INDEX + "?status=failed"}
        )
    assert response.status_code == 302
    assert response["Location"] == INDEX + "?status=failed"
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]


def test_retry_ignores_an_offsite_next_url(client, users, failed):
    client.force_login(users["operator"])
    response = client.post(
        reverse("wagtail_support_outbox:retry", args=[failed.pk]), {"next": "//evil.example/"}
    )
    assert response["Location"] == INDEX


def test_retry_of_a_sent_row_changes_nothing(client, users, sent):
    client.force_login(users["operator"])
    client.post(reverse("wagtail_support_outbox:retry", args=[sent.pk]))
    sent.refresh_from_db()
    assert sent.status == NotificationStatus.SENT
    assert mail.outbox == []


def test_retry_refuses_get_so_nothing_changes_on_get(client, users, failed):
    client.force_login(users["operator"])
    response = client.get(reverse("wagtail_support_outbox:retry", args=[failed.pk]))
    assert response.status_code == 405
    failed.refresh_from_db()
    assert failed.status == NotificationStatus.FAILED


def test_retry_is_protected_by_csrf(users, failed):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["operator"])
    response = client.post(reverse("wagtail_support_outbox:retry", args=[failed.pk]))
    assert response.status_code == 403
    failed.refresh_from_db()
    assert failed.status == NotificationStatus.FAILED


@pytest.mark.parametrize("path", ["new/", "edit/1/", "delete/1/", "copy/1/"])
def test_nobody_adds_edits_or_deletes_outbox_rows(client, users, failed, path):
    client.force_login(users["superuser"])
    assert client.get(INDEX + path).status_code == 404


def test_listing_query_count_does_not_grow_with_rows(client, users, django_assert_max_num_queries):
    client.force_login(users["viewer"])
    Notification.objects.bulk_create(
        Notification(kind="test_message", recipient=f"r{i}@example.com", dedupe_key=f"k{i}") for i in range(5)
    )
    client.get(INDEX)  # warm caches
    with django_assert_max_num_queries(30) as few:
        client.get(INDEX)
    Notification.objects.bulk_create(
        Notification(kind="test_message", recipient=f"s{i}@example.com", dedupe_key=f"m{i}")
        for i in range(45)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(INDEX)


def test_the_listing_names_each_kind_in_words(client):
    client.force_login(make_user("boss", superuser=True))
    Notification.objects.create(kind="ticket_reply_customer", recipient="ann@example.com", dedupe_key="a")
    Notification.objects.create(kind="my_own_kind", recipient="bob@example.com", dedupe_key="b")

    page = client.get(INDEX).content.decode()

    assert "Team&#x27;s reply, to the customer" in page
    assert "my_own_kind" in page  # a kind a site added keeps its name


def test_every_kind_of_e_mail_has_words():
    from tests.conftest import ROOT
    from wagtail_support.notifications.kinds import KIND_LABELS

    folders = ROOT / "wagtail_support" / "templates" / "wagtail_support" / "email"
    kinds = {path.name for path in folders.iterdir() if path.is_dir()}
    assert kinds == set(KIND_LABELS)
