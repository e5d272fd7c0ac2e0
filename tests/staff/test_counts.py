"""Capped counts: the queue and the saved views in the menu count at most ``COUNT_CAP`` matches past the
page shown, so a big listing never counts every row (``staff/paginator.py``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from tests.reads import assert_no_unfiltered_reads
from tests.staff.test_staff_admin import seed
from wagtail_support.staff import paginator

pytestmark = pytest.mark.django_db

INDEX = reverse("wagtail_support_tickets:index")


@pytest.fixture
def agent():
    return UserFactory(username="agent", groups=["Support agents"])


@pytest.fixture
def cap_of_50(monkeypatch):
    # The cap is a multiple of the page size (25), as COUNT_CAP is.
    monkeypatch.setattr(paginator, "COUNT_CAP", 50)


def test_a_listing_below_the_cap_is_counted_exactly(client, agent, cap_of_50):
    seed(30, agent)
    client.force_login(agent)
    html = client.get(INDEX).content.decode()
    assert "Page 1 of 2" in html and "30 tickets" in html
    assert "More than" not in html


def test_a_listing_above_the_cap_says_more_than_and_pages_on(client, agent, cap_of_50):
    seed(80, agent)
    client.force_login(agent)
    response = client.get(INDEX)
    html = response.content.decode()
    assert "More than 50 tickets" in html and "Page 1 of 2+" in html
    assert "?p=2" in html and "?p=3" not in html  # page links up to the cap, then "Next"
    page_obj = response.context["page_obj"]
    assert page_obj.has_next() and len(page_obj.object_list) == 25
    # Past the cap, the count moves with the page: page 3 is full and the last page is reached.
    third = client.get(INDEX + "?p=3").context["page_obj"]
    assert len(third.object_list) == 25 and third.has_next()
    fourth = client.get(INDEX + "?p=4")
    assert len(fourth.context["page_obj"].object_list) == 5
    assert not fourth.context["page_obj"].has_next()
    assert "80 tickets" in fourth.content.decode()


def test_a_search_above_the_cap_says_more_than_n_matches(client, agent, cap_of_50):
    seed(80, agent)
    client.force_login(agent)
    html = client.get(INDEX + "?q=Question").content.decode()
    assert "There are more than 50 matches" in html


def test_the_count_reads_at_most_the_cap(client, agent, cap_of_50):
    seed(80, agent)
    client.force_login(agent)
    with CaptureQueriesContext(connection) as queries:
        client.get(INDEX + "?status=any")
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "wagtail_support_ticket" in q["sql"]]
    assert counts and all("LIMIT 51" in sql for sql in counts), counts
    assert_no_unfiltered_reads(client, INDEX)


def test_saved_view_counts_in_the_menu_are_capped(client, agent, cap_of_50):
    seed(80, agent)  # every other one assigned to the agent
    client.force_login(agent)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "My open tickets (39)" in html
    client.post(reverse("wagtail_support_tickets:save_view"), {"name": "Everything", "query": "status=any"})
    from django.core.cache import cache

    cache.clear()
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Everything (50+)" in html


def test_the_dashboard_counts_are_capped_and_read_no_ticket_row_unfiltered(client, agent, cap_of_50):
    seed(80, agent)  # 80 new tickets: 39 assigned to the agent, 41 unassigned
    client.force_login(agent)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert ">39</span>Assigned to me" in html
    assert ">50+</span>Awaiting the team" in html
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("wagtailadmin_home"))
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "wagtail_support_ticket" in q["sql"]]
    assert counts and all("LIMIT 51" in sql for sql in counts), counts
    assert_no_unfiltered_reads(client, reverse("wagtailadmin_home"))


def test_saved_view_counts_are_read_and_written_in_one_cache_round_trip(agent, django_assert_num_queries):
    from django.core.cache import cache

    from wagtail_support.staff.saved_views import count_key, view_counts

    seed(6, agent)  # 2 assigned to the agent, 4 unassigned
    cache.clear()
    queries = ["status=open&assignee=mine", "status=open&assignee=unassigned"]
    counts = view_counts(queries, agent)
    assert counts == {queries[0]: 2, queries[1]: 4}
    assert cache.get_many([count_key(q, agent) for q in queries]) == {
        count_key(q, agent): counts[q] for q in queries
    }
    with django_assert_num_queries(0):
        assert view_counts(queries, agent) == counts
    cache.delete(count_key(queries[1], agent))
    with CaptureQueriesContext(connection) as fresh:
        assert view_counts(queries, agent) == counts
    assert len([q for q in fresh if "COUNT(" in q["sql"]]) == 1
