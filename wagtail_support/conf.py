"""The app's settings, read from one namespaced dict in the Django settings.

    WAGTAIL_SUPPORT = {"NOTIFICATION_MAX_ATTEMPTS": 8}

Every key and its default is listed in ``DEFAULTS`` (and in docs/configuration.md).
Read values as attributes of ``support_settings``; the object reloads itself when
tests change ``WAGTAIL_SUPPORT`` with ``override_settings``.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

SETTING_NAME = "WAGTAIL_SUPPORT"

DEFAULTS = {
    # Scheme and host for links in e-mails, e.g. "https://shop.example.com"; None means
    # WAGTAILADMIN_BASE_URL, then the default Wagtail site's root URL.
    "BASE_URL": None,
    # Sender of every e-mail; None means Django's DEFAULT_FROM_EMAIL.
    "FROM_EMAIL": None,
    # Text put before every subject line, e.g. "[Acme support] ".
    "EMAIL_SUBJECT_PREFIX": "",
    # How many times one notification is tried before it is marked failed.
    "NOTIFICATION_MAX_ATTEMPTS": 5,
    # First retry delay in seconds; doubled on each attempt, with jitter.
    "NOTIFICATION_RETRY_BACKOFF": 60,
    # Upper bound of one retry delay in seconds.
    "NOTIFICATION_RETRY_BACKOFF_MAX": 3600,
    # A row claimed for sending longer than this (seconds) is taken as interrupted.
    "NOTIFICATION_SENDING_TIMEOUT": 900,
    # Pending rows younger than this (seconds) are left to their own on-commit task.
    "OUTBOX_SWEEP_GRACE": 30,
    # Rows published to Celery are left to the broker this long (seconds) before the sweep queues them
    # again: a backlog is not queued twice, and the tasks a killed worker held go out within this time.
    "OUTBOX_REQUEUE_AFTER": 300,
    # How often (seconds) the Celery beat schedule runs the outbox sweep.
    "OUTBOX_SWEEP_INTERVAL": 60,
    # How committed e-mails are handed to Celery: "background" (a thread of each process publishes
    # them, a burst at a time, so no request waits for the broker) or "inline" (in the committing
    # thread; for servers that run no application threads). Eager Celery is always inline.
    "NOTIFICATION_DISPATCH": "background",
    # Seconds the background thread waits for more e-mails of a burst before it publishes.
    "NOTIFICATION_BATCH_WAIT": 0.05,
    # Celery queue for notification tasks; None means the default queue.
    "CELERY_QUEUE": None,
    # Where a customer lands after setting their password; None means the support section
    # (the first live support page), else LOGIN_REDIRECT_URL.
    "AFTER_SETUP_URL": None,
    # Partner webhooks: {"partner-slug": "shared secret"}; each partner signs with its own secret.
    "PARTNER_WEBHOOK_SECRETS": {},
    # Stripe webhook signing secret ("whsec_..."); None turns the Stripe endpoint off.
    "STRIPE_WEBHOOK_SECRET": None,
    # How old (seconds) a signed webhook may be before it is refused as stale or replayed.
    "WEBHOOK_TOLERANCE": 300,
    # Largest webhook body accepted, in bytes.
    "WEBHOOK_MAX_BODY_BYTES": 262144,
    # django-oscar order statuses that revoke a purchase's support (a status containing "refund"
    # records the purchase as refunded, any other as cancelled).
    "OSCAR_REVOKED_STATUSES": ["Cancelled", "Refunded"],
    # Where anonymous customers are sent to log in (a URL, a path or a URL name); None means the
    # app's own page, "wagtail_support:login". Independent of Django's LOGIN_URL.
    "LOGIN_URL": None,
    # Template every customer page extends; it must provide the blocks title, extra_css, content
    # and extra_js (those of Wagtail's project template base.html).
    "BASE_TEMPLATE": "base.html",
    # Failed log-ins allowed per account (the submitted e-mail or username) and per client address,
    # as django-ratelimit rates; password-reset requests are counted the same way, separately.
    "LOGIN_RATE_PER_ACCOUNT": "5/15m",
    "LOGIN_RATE_PER_ADDRESS": "20/15m",
    # Rate limit of the "didn't get the e-mail?" page, per address and per client IP.
    "RESEND_SETUP_RATE": "5/h",
    # Ticket references: PREFIX-NUMBER, where NUMBER = database id + offset ("SUP-1042"). Set once.
    "TICKET_REFERENCE_PREFIX": "SUP",
    "TICKET_NUMBER_OFFSET": 1000,
    # New tickets and replies a customer may post, per user (django-ratelimit rates).
    "TICKET_CREATE_RATE": "10/h",
    "TICKET_REPLY_RATE": "60/h",
    # Days after closing during which the customer may reopen a ticket; later they open a new one.
    "REOPEN_DAYS": 14,
    # Attachments: STORAGES alias of the private storage, size and count limits, allowed types.
    "ATTACHMENT_STORAGE": "wagtail_support_attachments",
    "ATTACHMENT_MAX_BYTES": 5 * 1024 * 1024,
    "ATTACHMENTS_PER_MESSAGE": 5,
    # None: every type the app recognises (tickets.attachments.FILE_TYPES); a list narrows them.
    "ATTACHMENT_TYPES": None,
    # Longest ticket description or reply, in characters.
    "MESSAGE_MAX_LENGTH": 20000,
    # Replies by e-mail (docs/inbound-email.md). When True, ticket e-mails carry a Reply-To that routes
    # the customer's answer back to the ticket, and the IMAP poll runs; the MTA pipe works either way.
    "INBOUND_ENABLED": False,
    # Domain of the reply addresses, e.g. "support.example.com" (its mail must reach the app).
    "INBOUND_DOMAIN": None,
    # Reply address of a ticket: {reference} ("SUP-1042"), {signature} (a keyed digest of the reference,
    # so the address cannot be guessed from it) and {domain} (INBOUND_DOMAIN).
    "INBOUND_REPLY_ADDRESS": "support+{reference}.{signature}@{domain}",
    # Largest raw inbound message accepted, in bytes.
    "INBOUND_MAX_BYTES": 25 * 1024 * 1024,
    # Inbound e-mails processed per sender (django-ratelimit rate); more wait for the next sweep.
    "INBOUND_SENDER_RATE": "30/h",
    # Hours during which a sender gets at most one automatic answer of each kind ("how to get support").
    "INBOUND_ANSWER_INTERVAL_HOURS": 24,
    # A message left "processing" longer than this (seconds; the worker died) is taken up again by the sweep.
    "INBOUND_PROCESSING_TIMEOUT": 600,
    # How many times processing one message is tried before it is marked failed for a person to retry.
    "INBOUND_MAX_ATTEMPTS": 5,
    # An IMAP mailbox polled by Celery beat while INBOUND_ENABLED: {"HOST", "PORT" (993, or 143 without
    # SSL), "USER", "PASSWORD", "SSL" (True), "FOLDER" ("INBOX"), "PROCESSED_FOLDER" ("Processed", made
    # when missing)}. None: no polling. Each message is moved to PROCESSED_FOLDER once it is stored.
    "INBOUND_IMAP": None,
    # Seconds between two polls of the IMAP mailbox.
    "INBOUND_IMAP_INTERVAL": 30,
    # The health endpoint (docs/deployment.md#health-and-metrics): a bearer token that shows each part's
    # state and the outbox's lag; None shows them only to signed-in users who may see the outbox.
    "HEALTH_TOKEN": None,
    # Seconds the health endpoint waits for the broker before calling it down.
    "HEALTH_BROKER_TIMEOUT": 2,
    # Bearer token of the Prometheus metrics endpoint; None turns the endpoint off (404).
    "METRICS_TOKEN": None,
    # The outbox alert (dashboard and e-mail to ADMINS): when the oldest unsent e-mail has waited longer
    # than this (seconds), or any row needs a person.
    "OUTBOX_ALERT_AGE": 900,
    # At most one alert e-mail to ADMINS per this many seconds.
    "ALERT_EMAIL_INTERVAL": 3600,
    # How often (seconds) Celery beat checks the outbox for the alert e-mail.
    "HEALTH_CHECK_INTERVAL": 300,
}


class AppSettings:
    """Attribute access to ``WAGTAIL_SUPPORT`` merged over ``DEFAULTS`` (the per-site settings of
    Settings → Support are ``sitesettings.SupportSettings``)."""

    def __init__(self):
        self._cache = None

    def _load(self):
        user = getattr(settings, SETTING_NAME, {}) or {}
        unknown = sorted(set(user) - set(DEFAULTS))
        if unknown:
            raise ImproperlyConfigured(
                f"{SETTING_NAME} has unknown keys: {', '.join(unknown)}. "
                f"Known keys: {', '.join(sorted(DEFAULTS))}."
            )
        return {**DEFAULTS, **user}

    def __getattr__(self, name):
        if name not in DEFAULTS:
            raise AttributeError(f"{SETTING_NAME} has no setting {name!r}")
        if self._cache is None:
            self._cache = self._load()
        return self._cache[name]

    def reload(self):
        self._cache = None


support_settings = AppSettings()


def _reload_on_change(*, setting, **kwargs):
    if setting == SETTING_NAME:
        support_settings.reload()


setting_changed.connect(_reload_on_change)
