"""Turn an outbox row into an e-mail, with templates a site can override.

Each kind has three templates under ``wagtail_support/email/<kind>/``: ``subject.txt``,
``body.txt`` and ``body.html``. A site overrides any of them by putting a template with the
same name earlier in its template path.
"""

import hashlib

from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from wagtail_support.conf import support_settings

_context_builders = {}
_header_builders = []

#: E-mails no person wrote (RFC 3834 ``Auto-Submitted``): responders must not answer them. The
#: packages that send other automatic e-mails add their kinds with ``register_automatic``.
AUTOMATIC_KINDS = {
    "welcome",
    "setup_link",
    "purchase_added",
    "test_message",
    "ticket_opened_customer",
    "ticket_breach_warning",
    "ticket_auto_closed",
}
#: Automatic answers to an e-mail received (RFC 3834 "auto-replied" rather than "auto-generated").
AUTOMATIC_REPLY_KINDS = set()


def register_context(kind):
    """Decorate ``builder(context) -> dict``: extra values for ``kind``, computed when the e-mail is sent.

    For values that must not wait in the outbox, such as a set-password link, or that should be
    fresh when the e-mail leaves.
    """

    def decorator(builder):
        _context_builders[kind] = builder
        return builder

    return decorator


def register_headers(builder):
    """Register ``builder(notification) -> dict``: headers for the e-mail of ``notification``.

    Used for threading and reply routing (``wagtail_support.inbound.outgoing``); a builder may replace
    the default ``Message-ID``. Values are checked for line breaks when the e-mail is built.
    """
    if builder not in _header_builders:
        _header_builders.append(builder)
    return builder


def register_automatic(*kinds, reply=False):
    """Mark ``kinds`` as automatic e-mails: ``Auto-Submitted: auto-generated`` (``auto-replied`` when
    ``reply``, for automatic answers to a received e-mail)."""
    (AUTOMATIC_REPLY_KINDS if reply else AUTOMATIC_KINDS).update(kinds)


def auto_submitted(kind):
    """The ``Auto-Submitted`` value of ``kind``'s e-mails, or None for e-mails a person wrote."""
    if kind in AUTOMATIC_REPLY_KINDS:
        return "auto-replied"
    if kind in AUTOMATIC_KINDS:
        return "auto-generated"
    return None


def build_headers(notification):
    """Every extra header of the e-mail of ``notification``: Message-ID, Auto-Submitted, threading."""
    headers = {"Message-ID": message_id(notification.dedupe_key)}
    if value := auto_submitted(notification.kind):
        headers["Auto-Submitted"] = value
        # Exchange and Outlook: no out-of-office or other automatic answer to an automatic e-mail.
        headers["X-Auto-Response-Suppress"] = "All"
    for builder in _header_builders:
        headers.update(builder(notification) or {})
    return {name: single_line(value) for name, value in headers.items()}


def single_line(value):
    """``value`` with every line break and run of white space made one space: no header injection."""
    return " ".join(str(value).split())


def build_context(notification):
    context = {**notification.context, "recipient": notification.recipient}
    if builder := _context_builders.get(notification.kind):
        context.update(builder(notification.context))
    return context


def template_names(kind):
    base = f"wagtail_support/email/{kind}"
    return {
        "subject": f"{base}/subject.txt",
        "text": f"{base}/body.txt",
        "html": f"{base}/body.html",
    }


def message_id(dedupe_key, domain=None):
    """A Message-ID derived from the dedupe key: unique per outbox row, and the same on every copy of
    it (a retry), so a mail client can spot a re-sent copy and a reply to any copy finds the row."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:40]
    return f"<{digest}@{domain or DNS_NAME}>"


def render_plain_text(name, context):
    """Render a text template without HTML escaping: a plain-text e-mail shows ``<`` as ``<``."""
    template = get_template(name)
    django_template = getattr(template, "template", None)
    if django_template is None:  # another template engine: it knows its own escaping
        return template.render(context)
    return django_template.render(Context(context, autoescape=False))


def email_zone(notification):
    """The recipient's time zone named in the row's context (customer e-mails), else None (TIME_ZONE)."""
    from wagtail_support.customers.preferences import valid_zone

    return valid_zone((notification.context or {}).get("time_zone"))


def render_email(notification):
    names = template_names(notification.kind)
    # In the recipient's language (kept on the row when queued) and time zone (in its context),
    # links and dates included.
    with translation.override(notification.language or None), timezone.override(email_zone(notification)):
        context = build_context(notification)
        subject = render_plain_text(names["subject"], context)
        text = render_plain_text(names["text"], context)
        html = render_to_string(names["html"], context)
    subject = support_settings.EMAIL_SUBJECT_PREFIX + single_line(subject)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=support_settings.FROM_EMAIL,
        to=[notification.recipient],
        headers=build_headers(notification),
    )
    email.attach_alternative(html, "text/html")
    return email
