"""Signed webhooks: ``t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">``, the scheme Stripe uses.

A header may carry several ``v1`` values (a sender rotating its secret signs with both); one match is
enough. The time must be within ``WEBHOOK_TOLERANCE`` seconds of ours, in either direction. A signature
is accepted once: its fingerprint is stored in ``WebhookDelivery`` in the transaction that records the
purchase, so a second request with the same signature is refused as a replay.
"""

import hashlib
import hmac
import re
import time
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from wagtail_support.conf import support_settings
from wagtail_support.purchases.models import WebhookDelivery


class WebhookError(Exception):
    """A delivery the endpoint refuses: ``message`` says why in plain words, ``status`` is the HTTP status."""

    status = 400

    def __init__(self, message, *, status=None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class BadRequest(WebhookError):
    """The request itself is unusable: wrong method, content type, size or JSON."""


class UnknownEndpoint(WebhookError):
    status = 404


class SignatureError(WebhookError):
    """The signature header is missing, malformed, or does not match the body and secret."""

    status = 400


class StaleSignature(SignatureError):
    """The signature's time is too far from ours: an old request replayed, or a wrong clock."""


class ReplayedDelivery(SignatureError):
    status = 409


class InvalidPayload(WebhookError):
    """The body is signed and valid JSON, but not a purchase we can record."""

    status = 422


@dataclass(frozen=True)
class Signature:
    """The part of a verified header that identifies the delivery: its time and the matching ``v1``."""

    timestamp: int
    v1: str

    def fingerprint(self, source):
        return hashlib.sha256(f"{source}\n{self.timestamp}\n{self.v1}".encode()).hexdigest()


def sign(body, secret, timestamp=None):
    """The header value a sender puts on ``body`` (bytes): ``t=...,v1=...``. Used by tests and the docs."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={timestamp},v1={_digest(secret, timestamp, body)}"


def verify(header, body, secret, *, header_name, tolerance=None, now=None):
    """Check ``header`` against ``body`` (the raw bytes) and ``secret``; return the matching ``Signature``.

    Raises ``SignatureError`` (missing, malformed or wrong) or ``StaleSignature`` (outside the tolerance).
    Nothing in the body is looked at before this passes.
    """
    if not header:
        raise SignatureError(f"The {header_name} header is missing; every delivery must be signed.")
    timestamp, candidates = _parse(header, header_name)
    tolerance = support_settings.WEBHOOK_TOLERANCE if tolerance is None else tolerance
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise StaleSignature(
            f"The signature's time (t={timestamp}) is more than {tolerance} seconds away from this "
            "server's clock; send the delivery again with a fresh signature."
        )
    expected = _digest(secret, timestamp, body)
    for candidate in candidates:
        if hmac.compare_digest(candidate, expected):
            return Signature(timestamp, candidate)
    raise SignatureError(
        f"The {header_name} header does not match the body: check the signing secret, and sign the "
        "exact bytes you send."
    )


def remember(source, signature):
    """Store the delivery's fingerprint; raise ``ReplayedDelivery`` when it was accepted before.

    Call inside the transaction that records the purchase, so a refused delivery leaves no trace and
    an accepted one cannot be accepted twice, however many copies arrive at once.
    """
    try:
        with transaction.atomic():
            WebhookDelivery.objects.create(source=source, fingerprint=signature.fingerprint(source))
    except IntegrityError as error:
        raise ReplayedDelivery(
            "This signed delivery was already accepted; a repeated delivery must carry a new signature."
        ) from error


def _digest(secret, timestamp, body):
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _parse(header, header_name):
    timestamp, candidates = None, []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            timestamp = value.strip()
        elif key == "v1":
            candidates.append(value.strip())
    # ASCII digits only ("²".isdigit() is true) and at most 12 of them: a Unix time, not a huge number.
    if timestamp is None or not re.fullmatch(r"[0-9]{1,12}", timestamp) or not candidates:
        raise SignatureError(
            f'The {header_name} header is malformed; expected "t=<unix time>,v1=<hex HMAC-SHA256>".'
        )
    return int(timestamp), candidates
