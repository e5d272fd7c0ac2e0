"""What every webhook endpoint does around its own parsing: read the body safely, record in one transaction.

The order is fixed: method, content type and size first, then the signature over the raw bytes, then
JSON, then the shop's own payload; only a delivery that passed all of them opens a transaction, in which
the replay fingerprint is stored and the purchases service records the order (and says whether this
delivery created it). A refused delivery writes nothing.
"""

import json
from dataclasses import dataclass

from django.db import transaction

from wagtail_support.conf import support_settings
from wagtail_support.purchases import services
from wagtail_support.purchases.adapters.signing import (
    BadRequest,
    WebhookError,
    remember,
)
from wagtail_support.purchases.models import Purchase
from wagtail_support.purchases.payload import MAX_DEPTH, PayloadError, check_json


@dataclass(frozen=True)
class Recorded:
    """The answer to an accepted delivery."""

    purchase: Purchase
    created: bool

    @property
    def http_status(self):
        """202 for an order kept for staff to map (nothing granted yet), else 200."""
        return 202 if self.purchase.is_unmapped else 200

    def as_json(self):
        answer = {"purchase": self.purchase.pk, "created": self.created, "status": self.purchase.status}
        if self.purchase.is_unmapped:
            references = [item["product_ref"] for item in self.purchase.unknown_references]
            answer["unknown_references"] = references
            answer["message"] = (
                "No supported product has the shop reference(s) "
                f"{', '.join(repr(ref) for ref in references)}. The order is kept for staff to map; "
                "no account is created and no e-mail is sent until then."
            )
        return answer


@dataclass(frozen=True)
class Ignored:
    """A valid delivery with nothing to record (an event we do not handle); Stripe wants a 2xx for it."""

    reason: str

    def as_json(self):
        return {"ignored": True, "reason": self.reason}


def read_body(request):
    """The raw body of a JSON POST (the view takes only POST), refused before it is read when it is too
    large or not JSON."""
    if request.content_type != "application/json":
        shown = request.content_type or "none"
        raise WebhookError(
            f"The body must be JSON, sent with Content-Type: application/json (got {shown}).", status=415
        )
    limit = support_settings.WEBHOOK_MAX_BODY_BYTES
    too_large = WebhookError(f"The body is larger than {limit} bytes.", status=413)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError as error:
        raise BadRequest("The Content-Length header is not a number.") from error
    if declared > limit:
        raise too_large
    body = request.read(limit + 1)  # never trust the header alone: read one byte past the limit
    if len(body) > limit:
        raise too_large
    return body


def parse_json(body):
    """The JSON object in ``body``; call only after the signature has been verified."""
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as error:
        raise BadRequest("The body is not UTF-8 text.") from error
    except json.JSONDecodeError as error:
        raise BadRequest(f"The body is not valid JSON: {error.msg} at line {error.lineno}.") from error
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        raise BadRequest(f"The body is not usable JSON: {error}.") from error
    except RecursionError as error:  # the parser's own bound on nesting; check_json sets a far lower one
        raise BadRequest(f"The body is nested more than {MAX_DEPTH} levels deep.") from error
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    try:
        check_json(data, "The body")
    except PayloadError as error:
        raise BadRequest(str(error)) from error
    return data


def _refuse_constant(name):
    raise BadRequest(f"The body holds {name}, which is not a JSON number.")


def record(purchase, *, source, signature):
    """Record (or revoke, by its status) ``purchase`` in one transaction with the replay fingerprint of
    ``signature``; the answer says whether this delivery wrote it, however many copies raced it."""
    with transaction.atomic():
        remember(source, signature)
        recorded, created = services.record_order(purchase)
    return Recorded(recorded, created=created)
