"""Signed reply addresses: ``support+SUP-1042.<signature>@example.com`` routes an answer to its ticket.

The signature is a keyed digest (Django's ``salted_hmac``, the primitive of ``django.core.signing``,
salted for this use) of the reference, in lowercase hex: some mail servers lowercase the local part, and
a guessed reference without the signature routes nowhere. ``SECRET_KEY_FALLBACKS`` keep addresses sent
before a key rotation working.
"""

import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import constant_time_compare, salted_hmac

from wagtail_support.conf import support_settings
from wagtail_support.tickets.models import Ticket, pk_from_reference

SALT = "wagtail_support.inbound.reply_address"
SIGNATURE_LENGTH = 20  # hex digits: 80 bits


def signature(reference, secret=None):
    """The signature of ``reference`` (case-insensitive) with ``secret`` (``SECRET_KEY`` by default)."""
    digest = salted_hmac(SALT, reference.upper(), secret=secret, algorithm="sha256").hexdigest()
    return digest[:SIGNATURE_LENGTH]


def reply_address(ticket):
    """The address whose mail joins ``ticket``: ``INBOUND_REPLY_ADDRESS`` filled in."""
    domain = support_settings.INBOUND_DOMAIN
    if not domain:
        raise ImproperlyConfigured('Set WAGTAIL_SUPPORT["INBOUND_DOMAIN"] to build reply addresses.')
    reference = ticket.reference
    return support_settings.INBOUND_REPLY_ADDRESS.format(
        reference=reference, signature=signature(reference), domain=domain
    )


def _pattern():
    parts = re.split(r"(\{reference\}|\{signature\}|\{domain\})", support_settings.INBOUND_REPLY_ADDRESS)
    fields = {
        "{reference}": r"(?P<reference>[A-Za-z0-9]+-[0-9]+)",
        "{signature}": rf"(?P<signature>[0-9a-fA-F]{{{SIGNATURE_LENGTH}}})",
        "{domain}": r"(?P<domain>[^@\s]+)",
    }
    return re.compile("".join(fields.get(part, re.escape(part)) for part in parts), re.IGNORECASE)


def parse_reply_address(address):
    """The ticket a reply address routes to, or None (not a reply address, a wrong signature, no ticket)."""
    match = _pattern().fullmatch((address or "").strip())
    if match is None:
        return None
    domain = match.groupdict().get("domain")
    if domain is not None and domain.lower() != (support_settings.INBOUND_DOMAIN or "").lower():
        return None
    reference = match["reference"].upper()
    given = match["signature"].lower()
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(constant_time_compare(given, signature(reference, secret)) for secret in secrets):
        return None
    pk = pk_from_reference(reference)
    return Ticket.objects.filter(pk=pk).first() if pk else None
