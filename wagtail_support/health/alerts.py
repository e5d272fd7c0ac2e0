"""The outbox alert: rows only a person can settle, or mail waiting longer than ``OUTBOX_ALERT_AGE``.

Shown on the Wagtail dashboard (``panels.py``) and e-mailed to the site's ``ADMINS`` by a beat task at
most once per ``ALERT_EMAIL_INTERVAL``. The e-mail goes straight through ``mail_admins``, not the outbox:
the outbox is what is in trouble.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import mail_admins
from django.utils import translation
from django.utils.translation import gettext, ngettext

from wagtail_support.conf import support_settings
from wagtail_support.degrade import from_cache
from wagtail_support.health import probes

logger = logging.getLogger("wagtail_support.health")

MAILED_KEY = "wagtail_support:health:alert-mailed"


def outbox_alert(now=None):
    """The outbox's state when it needs attention (``probes.outbox()`` plus ``late``), else None."""
    state = probes.outbox(now)
    late = state["oldest_unsent_seconds"] > support_settings.OUTBOX_ALERT_AGE
    if not (state["needs_a_person"] or late):
        return None
    return {**state, "late": late}


def alert_text(alert):
    """(subject, body) of the e-mail to the admins, in the site's language."""
    minutes = alert["oldest_unsent_seconds"] // 60
    subject = gettext("Support e-mail needs attention")
    count = alert["needs_a_person"]
    lines = [
        ngettext(
            "%(count)d e-mail in the outbox needs a person (failed, or may or may not have been sent).",
            "%(count)d e-mails in the outbox need a person (failed, or may or may not have been sent).",
            count,
        )
        % {"count": count},
        ngettext(
            "The oldest e-mail not yet sent has waited %(minutes)d minute.",
            "The oldest e-mail not yet sent has waited %(minutes)d minutes.",
            minutes,
        )
        % {"minutes": minutes},
        gettext("Check the workers and Support → Outbox in the Wagtail admin."),
    ]
    return subject, "\n".join(lines)


def mail_admins_if_needed(now=None):
    """E-mail ``ADMINS`` about the outbox when it needs attention, at most once per interval.

    The interval is kept in the cache; with the cache down no e-mail goes (it could not be limited),
    the dashboard still shows the alert. Returns True when an e-mail went.
    """
    alert = outbox_alert(now)
    if alert is None or not settings.ADMINS:
        return False
    interval = int(support_settings.ALERT_EMAIL_INTERVAL)
    first = from_cache(
        lambda: cache.add(MAILED_KEY, 1, interval), default=False, what="the alert e-mail's limit"
    )
    if not first:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = alert_text(alert)
    mail_admins(subject, body, fail_silently=True)
    logger.warning("Outbox alert e-mailed to the admins: %s", alert)
    return True
