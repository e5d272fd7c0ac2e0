"""What every admin page reads for the support app: the Support menu's saved views, the outbox count
and the queue's product filter come from the cache after the first page, and follow changes at once
(the saved views and products) or within ``ATTENTION_CACHE_SECONDS`` (the outbox count, counted afresh
on the outbox screen and the dashboard). The queue formats a ticket's times once per zone and language."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import SupportedProductFactory, TicketFactory, UserFactory
from wagtail_support.notifications.models import Notification, NotificationStatus
from wagtail_support.staff.columns import exact_time

pytestmark = pytest.mark.django_db

INDEX = reverse("wagtail_support_tickets:index")
HOME = reverse("wagtailadmin_home")
OUTBOX = reverse("wagtail_support_outbox:index")


@pytest.fixture
def agent(client):
    user = UserFactory(username="agent", groups=["Support agents"])
    client.force_login(user)
    return user


def menu_labels(client, url=HOME):
    return client.get(url).content.decode()


def test_a_saved_view_is_in_the_menu_as_soon_as_it_is_saved_and_gone_once_deleted(client, agent):
    assert "Mine, high (" not in menu_labels(client)  # the agent's views are now in the cache
    client.post(reverse("wagtail_support_tickets:save_view"), {"name": "Mine, high", "query": "priority=30"})
    assert "Mine, high (0)" in menu_labels(client)
    assert "Mine, high" in menu_labels(client, INDEX)  # and listed under the queue, to delete
    view = agent.support_saved_views.get()
    client.post(reverse("wagtail_support_tickets:delete_view", args=[view.pk]))
    assert "Mine, high (" not in menu_labels(client)


def test_the_saved_views_of_one_agent_are_not_shown_to_another(client, agent):
    client.post(reverse("wagtail_support_tickets:save_view"), {"name": "Only mine", "query": "priority=30"})
    assert "Only mine (" in menu_labels(client)
    client.force_login(UserFactory(username="colleague", groups=["Support agents"]))
    assert "Only mine (" not in menu_labels(client)


def product_options(client):
    page = BeautifulSoup(client.get(INDEX).content, "html.parser")
    return [option.get_text(strip=True) for option in page.select("select[name=product] option")]


def test_the_product_filter_follows_products_saved_and_deleted(client, agent):
    theme = SupportedProductFactory(name="Aurora theme")
    assert "Aurora theme" in product_options(client)
    theme.name = "Aurora Pro theme"
    theme.save()
    added = SupportedProductFactory(name="Hosting plan")
    assert {"Aurora Pro theme", "Hosting plan"} <= set(product_options(client))
    added.delete()
    assert "Hosting plan" not in product_options(client)


def test_a_second_admin_page_reads_neither_saved_views_nor_products_nor_the_outbox(client, agent):
    TicketFactory()
    client.get(INDEX)
    with CaptureQueriesContext(connection) as second:
        assert client.get(INDEX).status_code == 200
    tables = ("wagtail_support_savedview", "wagtail_support_supportedproduct", "wagtail_support_notification")
    read = [q["sql"] for q in second if any(f'FROM "{table}"' in q["sql"] for table in tables)]
    assert read == []


def test_the_outbox_screen_counts_afresh_and_its_menu_agrees(client):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert "to check)" not in menu_labels(client)  # nothing needs a person: 0 is in the cache
    Notification.objects.create(
        kind="test_message", recipient="r@example.com", dedupe_key="k", status=NotificationStatus.FAILED
    )
    page = menu_labels(client, OUTBOX)
    assert "1 message needs a person" in BeautifulSoup(page, "html.parser").get_text(" ", strip=True)
    assert "Outbox (1 to check)" in page
    assert "Outbox (1 to check)" in menu_labels(client)  # other pages read the fresh count from the cache


def test_the_queue_formats_a_time_once_per_zone_and_language():
    from datetime import UTC, datetime

    from django.utils import timezone, translation

    from wagtail_support.staff.columns import RenderState

    value = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    shown = {}
    for zone, language in (("UTC", "en"), ("Europe/Madrid", "en"), ("Europe/Madrid", "es"), ("UTC", "en")):
        with timezone.override(zone), translation.override(language):
            state = RenderState.of({})
            shown[(zone, language)] = exact_time(value, state)
    assert shown[("UTC", "en")][0] == "2026-03-01T23:30:00+00:00"
    assert shown[("Europe/Madrid", "en")][0] == "2026-03-02T00:30:00+01:00"
    assert shown[("Europe/Madrid", "en")][1] != shown[("Europe/Madrid", "es")][1]
