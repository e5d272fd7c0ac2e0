import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from wagtail_support.conf import DEFAULTS, support_settings


def test_defaults_apply_where_the_site_sets_nothing():
    with override_settings(WAGTAIL_SUPPORT={}):
        for name, default in DEFAULTS.items():
            assert getattr(support_settings, name) == default


def test_site_values_override_defaults_and_reload_on_change():
    with override_settings(WAGTAIL_SUPPORT={"NOTIFICATION_MAX_ATTEMPTS": 9}):
        assert support_settings.NOTIFICATION_MAX_ATTEMPTS == 9
    assert support_settings.NOTIFICATION_MAX_ATTEMPTS == DEFAULTS["NOTIFICATION_MAX_ATTEMPTS"]


def test_unknown_key_is_a_clear_configuration_error():
    with override_settings(WAGTAIL_SUPPORT={"NOTIFICATION_MAX_ATTEMTPS": 9}):
        with pytest.raises(ImproperlyConfigured, match="NOTIFICATION_MAX_ATTEMTPS"):
            _ = support_settings.NOTIFICATION_MAX_ATTEMPTS


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError):
        _ = support_settings.NOT_A_SETTING


def test_beat_schedule_follows_the_sweep_interval():
    from wagtail_support.schedule import beat_schedule

    with override_settings(WAGTAIL_SUPPORT={"OUTBOX_SWEEP_INTERVAL": 15}):
        entry = beat_schedule()["wagtail-support-sweep-outbox"]
    assert entry == {"task": "wagtail_support.sweep_outbox", "schedule": 15.0}
