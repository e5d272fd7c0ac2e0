"""Issue 13.3: outbox rows that only a person can settle are counted where staff look: the Support
menu, the outbox screen (with a link to them) and the dashboard panel."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from wagtail_support.notifications import outbox
from wagtail_support.notifications.models import Notification, NotificationStatus

pytestmark = pytest.mark.django_db

INDEX = reverse("wagtail_support_outbox:index")
HOME = reverse("wagtailadmin_home")


def row(status, n, **fields):
    return Notification.objects.create(
        kind="test_message", recipient=f"r{n}@example.com", dedupe_key=f"k{n}", status=status, **fields
    )


@pytest.fixture
def rows():
    long_ago = timezone.now() - timedelta(hours=2)
    return {
        "sent": row(NotificationStatus.SENT, 1),
        "pending": row(NotificationStatus.PENDING, 2),
        "sending now": row(NotificationStatus.SENDING, 3, claimed_at=timezone.now()),
        "stuck": row(NotificationStatus.SENDING, 4, claimed_at=long_ago),
        "interrupted": row(NotificationStatus.FAILED, 5, last_error=outbox.INTERRUPTED_ERROR),
        "failed for good": row(NotificationStatus.FAILED, 6, attempts=5, last_error="SMTPDataError: 554"),
    }


@pytest.fixture
def root(client):
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def test_rows_that_need_a_person_are_stuck_or_failed(rows):
    wanted = {rows[name].pk for name in ("stuck", "interrupted", "failed for good")}
    assert set(outbox.needs_a_person().values_list("pk", flat=True)) == wanted
    assert outbox.needs_a_person_count() == 3


def test_menu_shows_the_count_on_the_support_group_and_the_outbox_item(client, root, rows):
    page = client.get(HOME).content.decode()
    assert "Support (3 to check)" in page
    assert "Outbox (3 to check)" in page


def test_menu_shows_no_count_when_nothing_needs_a_person(client, root):
    row(NotificationStatus.SENT, 1)
    page = client.get(HOME).content.decode()
    assert "to check)" not in page


def test_outbox_screen_has_a_banner_linking_to_the_rows_that_need_a_person(client, root, rows):
    page = BeautifulSoup(client.get(INDEX).content, "html.parser")
    assert "3 messages need a person" in page.get_text(" ", strip=True)
    link = page.find("a", string="Show them")
    filtered = client.get(link["href"]).content.decode()
    assert all(rows[name].recipient in filtered for name in ("stuck", "interrupted", "failed for good"))
    assert not any(rows[name].recipient in filtered for name in ("sent", "pending", "sending now"))


def test_dashboard_panel_warns_of_rows_that_need_a_person(client, root, rows):
    page = BeautifulSoup(client.get(HOME).content, "html.parser")
    text = page.get_text(" ", strip=True)
    assert "3 e-mails in the outbox need a person" in text
    assert page.find("a", string="Check them")["href"] == INDEX + "?attention=1"


def test_agents_without_the_outbox_see_no_count(client, rows):
    from django.contrib.auth.models import Group

    agent = UserFactory(username="agent", groups=["Support agents"])
    # The same rights as the app's agents, less the outbox (a site owner may choose so).
    without_outbox = Group.objects.create(name="Agents without the outbox")
    without_outbox.permissions.set(
        Group.objects.get(name="Support agents").permissions.exclude(codename="view_notification")
    )
    agent.groups.set([without_outbox])
    client.force_login(agent)
    page = client.get(HOME).content.decode()
    assert "to check)" not in page and "need a person" not in page


def test_the_count_is_one_indexed_query(rows, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        outbox.needs_a_person_count()
    assert "COUNT(*)" in captured.captured_queries[0]["sql"]
