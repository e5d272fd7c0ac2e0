"""Customer pages under load (issue 18): what a request asks several times is read once.

The customer's profile (language, zone, e-mail choices) once per user object; a site's support settings
from the cache, read afresh in every process as soon as they are saved or deleted.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from wagtail_support.customers.models import CustomerProfile
from wagtail_support.customers.preferences import (
    customer_language,
    customer_zone_name,
    remember_language,
    remember_zone,
)
from wagtail_support.customers.profile import wants_email
from wagtail_support.sitesettings import SupportSettings, settings_for_site

pytestmark = pytest.mark.django_db


def test_a_customers_profile_is_read_once_per_user_object():
    user = UserFactory()
    CustomerProfile.objects.create(
        user=user, language="es", time_zone="Europe/Madrid", email_confirmations=False
    )
    with CaptureQueriesContext(connection) as queries:
        assert customer_language(user) == "es"
        assert customer_zone_name(user) == "Europe/Madrid"
        assert wants_email(user, "ticket_opened_customer") is False
    assert len(queries) == 1
    # An id, or another object of the same user, reads the row again.
    assert customer_zone_name(user.pk) == "Europe/Madrid"


def test_what_is_remembered_is_what_the_same_object_reads_next():
    user = UserFactory()
    assert customer_zone_name(user) == ""  # no profile yet, and that is remembered too
    assert remember_zone(user, "America/Los_Angeles")
    assert customer_zone_name(user) == "America/Los_Angeles"
    remember_language(user, "es")
    assert customer_language(user) == "es"


def test_site_settings_come_from_the_cache_and_a_save_is_seen_at_once(settings):
    from wagtail.models import Site

    cache.clear()
    site = Site.objects.get(is_default_site=True)
    saved = SupportSettings.for_site(site)
    saved.first_response_hours = 7
    saved.save()
    assert settings_for_site(site.pk).first_response_hours == 7
    with CaptureQueriesContext(connection) as queries:
        assert settings_for_site(site.pk).first_response_hours == 7
    assert not queries

    saved.first_response_hours = 3
    saved.save()
    assert settings_for_site(site.pk).first_response_hours == 3
    saved.delete()
    assert settings_for_site(site.pk).pk is None  # the defaults, unsaved


def test_site_settings_are_read_from_the_database_when_the_cache_is_down(settings):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    SupportSettings.objects.update_or_create(site=site, defaults={"first_response_hours": 5})
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert settings_for_site(site.pk).first_response_hours == 5
