"""Inbound e-mail from an e-mail service provider's webhook, through django-anymail.

Anymail's views check the provider's signature (Mailgun: an HMAC of timestamp and token with the
webhook signing key; Postmark and others: HTTP basic auth with ``ANYMAIL["WEBHOOK_SECRET"]``) and send
its ``inbound`` signal; the receiver here stores the whole raw message with ``receive()``. A refused
signature never reaches it. When storing fails the receiver raises, the provider gets a 5xx and
delivers the message again later (a redelivery that was stored is a no-op).

Nothing here runs unless django-anymail is installed (``pip install wagtail-support[inbound-esp]``) and
the site includes ``anymail.urls`` (docs/inbound-email.md).
"""

import importlib.util
import logging

from wagtail_support.inbound.services import MessageTooLarge, receive

logger = logging.getLogger(__name__)


def _mailgun(event):
    # The route's URL ends in "inbound_mime/": Mailgun posts the message as it came, in "body-mime".
    return event.esp_event.POST.get("body-mime")


def _postmark(event):
    # "Include raw email content in JSON payload" on the inbound stream: "RawEmail".
    return event.esp_event.get("RawEmail")


def _sendgrid(event):
    # Inbound Parse with "POST the raw, full MIME message": "email".
    return event.esp_event.POST.get("email")


def _sparkpost(event):
    import base64

    content = event.esp_event["msys"]["relay_message"]["content"]
    return base64.b64decode(content["email_rfc822"]) if content.get("email_rfc822_is_base64") else None


#: Where each provider's payload holds the message as received; the others are rebuilt by anymail.
RAW_MIME = {"Mailgun": _mailgun, "Postmark": _postmark, "SendGrid": _sendgrid, "SparkPost": _sparkpost}


def raw_message(event, esp_name):
    """The raw RFC 822 bytes of an anymail inbound ``event``: the provider's own copy when its payload
    has one, else the message anymail parsed, serialised again."""
    raw = None
    if extract := RAW_MIME.get(esp_name):
        try:
            raw = extract(event)
        except (AttributeError, KeyError, TypeError, ValueError):
            raw = None
    if not raw:
        return event.message.as_bytes()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw


def esp_slug(esp_name):
    return "".join(char for char in esp_name.lower() if char.isalnum())


def receive_inbound(sender, event, esp_name, **kwargs):
    """anymail ``inbound`` receiver: store the message (and queue its processing)."""
    raw = raw_message(event, esp_name)
    try:
        receive(raw, via=f"webhook:{esp_slug(esp_name)}")
    except MessageTooLarge as error:  # would never fit: refusing it with a 5xx only makes the ESP retry
        logger.error("Inbound e-mail from %s not stored: too large (%s).", esp_name, error)


def connect():
    """Connect ``receive_inbound`` to anymail's ``inbound`` signal when anymail is installed."""
    if importlib.util.find_spec("anymail") is None:
        return False
    from anymail.signals import inbound

    inbound.connect(receive_inbound, dispatch_uid="wagtail_support.inbound.esp")
    return True
