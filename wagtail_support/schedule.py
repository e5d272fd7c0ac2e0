"""Celery beat entries for the app's periodic work.

In a site's ``celery.py``::

    from wagtail_support.schedule import beat_schedule
    app.conf.beat_schedule = {**app.conf.beat_schedule, **beat_schedule()}
"""

from wagtail_support.conf import support_settings

# Reminders must come well before a target of a few hours runs out; closing stale tickets is not urgent.
BREACH_CHECK_SECONDS = 15 * 60.0
AUTO_CLOSE_SECONDS = 60 * 60.0


def beat_schedule():
    """Return the app's Celery beat entries, built from ``WAGTAIL_SUPPORT``."""
    return {**_fixed_entries(), **imap_entries()}


def imap_entries():
    """The IMAP poll, when ``INBOUND_ENABLED`` and an ``INBOUND_IMAP`` mailbox is configured."""
    if not (support_settings.INBOUND_ENABLED and support_settings.INBOUND_IMAP):
        return {}
    # Polls that waited long behind other tasks (a stopped worker) are dropped, not all run in a row.
    options = {"expires": max(60.0, 10 * float(support_settings.INBOUND_IMAP_INTERVAL))}
    if support_settings.CELERY_QUEUE:
        options["queue"] = support_settings.CELERY_QUEUE
    return {
        "wagtail-support-poll-imap": {
            "task": "wagtail_support.poll_imap_mailbox",
            "schedule": float(support_settings.INBOUND_IMAP_INTERVAL),
            "options": options,
        }
    }


def _fixed_entries():
    return {
        "wagtail-support-sweep-outbox": {
            "task": "wagtail_support.sweep_outbox",
            "schedule": float(support_settings.OUTBOX_SWEEP_INTERVAL),
        },
        "wagtail-support-sweep-inbound": {
            "task": "wagtail_support.sweep_inbound",
            "schedule": float(support_settings.OUTBOX_SWEEP_INTERVAL),
        },
        "wagtail-support-remind-breaching-tickets": {
            "task": "wagtail_support.remind_breaching_tickets",
            "schedule": BREACH_CHECK_SECONDS,
        },
        "wagtail-support-check-outbox-health": {
            "task": "wagtail_support.check_outbox_health",
            "schedule": float(support_settings.HEALTH_CHECK_INTERVAL),
        },
        "wagtail-support-close-stale-tickets": {
            "task": "wagtail_support.close_stale_tickets",
            "schedule": AUTO_CLOSE_SECONDS,
        },
    }
