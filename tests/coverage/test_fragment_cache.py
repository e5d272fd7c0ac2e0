"""Customer pages under load (issue 18): the coverage policy beside the new-ticket form is rendered once
per site, product and language and kept in the cache; it is the same for every customer who chooses
that product, changes as soon as its policy or product does, and the page still answers with the
cache down."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CoveragePolicyFactory,
    EntitlementFactory,
    SupportedProductFactory,
    UserFactory,
    publish_support_page,
)

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
def page():
    return publish_support_page()


def customer_with(product):
    """A customer and the entitlement to ``product`` they choose on the form."""
    return EntitlementFactory(purchase__customer=UserFactory(), product=product)


def new_ticket_form(client, entitlement):
    client.force_login(entitlement.customer)
    return client.get(f"/support/new/?product={entitlement.pk}").content.decode()


def test_each_customer_sees_the_policy_of_their_own_product(client, page):
    themes = CoveragePolicyFactory(covered=["Colour schemes"])
    theme = SupportedProductFactory(name="Aurora", coverage_policy=themes)
    disks = CoveragePolicyFactory(covered=["Disk quotas"])
    hosting = SupportedProductFactory(name="Hosting", coverage_policy=disks)
    ann, bob = customer_with(theme), customer_with(hosting)

    for _ in range(2):  # rendered, then from the cache
        ann_page, bob_page = new_ticket_form(client, ann), new_ticket_form(client, bob)
        assert "Colour schemes" in ann_page and "Disk quotas" not in ann_page and "For Aurora" in ann_page
        assert "Disk quotas" in bob_page and "Colour schemes" not in bob_page and "For Hosting" in bob_page


def test_the_kept_policy_is_read_without_queries_and_a_change_is_seen_at_once(client, page):
    policy = CoveragePolicyFactory(covered=["Bugs"])
    ann = customer_with(SupportedProductFactory(coverage_policy=policy))
    assert "Bugs" in new_ticket_form(client, ann)

    with CaptureQueriesContext(connection) as queries:
        assert "Bugs" in new_ticket_form(client, ann)
    assert not any("coveragepolicy" in query["sql"] for query in queries.captured_queries)

    policy.title = "Renamed policy"
    policy.save_revision().publish()
    assert "Renamed policy" in new_ticket_form(client, ann)


def test_the_new_ticket_form_shows_the_policy_with_the_cache_down(client, page):
    ann = customer_with(SupportedProductFactory(coverage_policy=CoveragePolicyFactory(covered=["Bugs"])))
    client.force_login(ann.customer)
    with override_settings(CACHES=DEAD_CACHE):
        response = client.get(f"/support/new/?product={ann.pk}")
    assert response.status_code == 200
    assert "Bugs" in response.content.decode()
