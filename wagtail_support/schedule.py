"""Celery beat entries for the app's periodic work.

In a site's ``celery.py``::

    from wagtail_support.schedule import beat_schedule
    app.conf.beat_schedule = {**app.conf.beat_schedule, **beat_schedule()}
"""

from wagtail_support.conf import support_settings


def beat_schedule():
    """Return the app's Celery beat entries, built from ``WAGTAIL_SUPPORT``."""
    return {
        "wagtail-support-sweep-outbox": {
            "task": "wagtail_support.sweep_outbox",
            "schedule": float(support_settings.OUTBOX_SWEEP_INTERVAL),
        },
    }
