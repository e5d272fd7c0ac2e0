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


def register_context(kind):
    """Decorate ``builder(context) -> dict``: extra values for ``kind``, computed when the e-mail is sent.

    For values that must not wait in the outbox, such as a set-password link, or that should be
    fresh when the e-mail leaves.
    """

    def decorator(builder):
        _context_builders[kind] = builder
        return builder

    return decorator


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


def message_id(dedupe_key):
    """A Message-ID derived from the dedupe key, so a mail client can spot a re-sent copy."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:40]
    return f"<{digest}@{DNS_NAME}>"


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
    subject = support_settings.EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=support_settings.FROM_EMAIL,
        to=[notification.recipient],
        headers={"Message-ID": message_id(notification.dedupe_key)},
    )
    email.attach_alternative(html, "text/html")
    return email
