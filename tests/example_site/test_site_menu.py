"""The example site's menu (issue 18): kept in the cache per site and language, so that a page costs no
menu queries; a page published, unpublished or deleted shows in it at once; with the cache down the
menu is read from the database."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from example_site.home.models import ContentPage

pytestmark = pytest.mark.django_db

DEAD_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def root():
    return Site.objects.get(is_default_site=True).root_page


def add_page(root, title, slug):
    page = root.add_child(instance=ContentPage(title=title, slug=slug, show_in_menus=True))
    page.save_revision().publish()
    return page


def menu_queries(client, path="/"):
    with CaptureQueriesContext(connection) as queries:
        content = client.get(path).content.decode()
    filters = [q["sql"].split("WHERE")[-1] for q in queries.captured_queries]
    return content, [where for where in filters if "show_in_menus" in where]


def test_the_menu_is_read_once_and_then_kept(client, root):
    add_page(root, "Guides", "guides")
    content, queries = menu_queries(client, "/guides/")
    assert 'href="/guides/"' in content and queries

    content, queries = menu_queries(client, "/guides/")
    assert 'href="/guides/"' in content and not queries


def test_publishing_unpublishing_and_deleting_change_the_menu_at_once(client, root):
    add_page(root, "Guides", "guides")
    client.get("/guides/")
    pricing = add_page(root, "Pricing", "pricing")
    faq = add_page(root, "Questions", "faq")
    assert 'href="/pricing/"' in client.get("/guides/").content.decode()

    pricing.unpublish()
    assert 'href="/pricing/"' not in client.get("/guides/").content.decode()
    faq.delete()
    assert 'href="/faq/"' not in client.get("/guides/").content.decode()


def test_the_menu_shows_with_the_cache_down(client, root):
    add_page(root, "Guides", "guides")
    with override_settings(CACHES=DEAD_CACHE):
        response = client.get("/guides/")
    assert response.status_code == 200 and 'href="/guides/"' in response.content.decode()
