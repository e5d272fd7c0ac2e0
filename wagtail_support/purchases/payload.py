"""The normalised purchase payload shop adapters send with ``purchase_completed`` and ``purchase_revoked``.

    PurchaseData(
        source="stripe", external_id="cs_123", email="ann@example.com", name="Ann",
        purchased_at=datetime(...), lines=[PurchaseLine("aurora-theme", "Aurora theme", 1)],
        status="paid",
    )

``PurchaseData.from_dict()`` builds one from JSON-like data and raises ``PayloadError`` with a
message in plain words when a field is missing or wrong; adapters turn that into a 4xx answer.
"""

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from wagtail_support.text import has_unsafe_characters

STATUSES = ("paid", "refunded", "cancelled")
MAX_LINES = 100
MAX_DEPTH = 32  # objects and lists within each other; a Stripe event needs fewer than ten


def check_json(data, what="The payload"):
    """Raise ``PayloadError`` unless ``data`` (parsed JSON) can be stored and read as it is.

    The one check of a payload's shape every adapter and the audit copy rely on: at most ``MAX_DEPTH``
    levels, finite numbers, and no string (key or value) holding NUL or a lone surrogate. Iterative, so
    a hostile nesting cannot exhaust the stack.
    """
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise PayloadError(f"{what} is nested more than {MAX_DEPTH} levels deep.")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if has_unsafe_characters(key):
                    raise PayloadError(f"{what} holds a NUL character or an unpaired surrogate in a key.")
                pending.append((item, depth + 1))
        elif isinstance(value, float) and not math.isfinite(value):
            raise PayloadError(f"{what} holds a number that is not finite (NaN or Infinity).")
        elif has_unsafe_characters(value):
            raise PayloadError(f"{what} holds a NUL character or an unpaired surrogate in a text.")


class PayloadError(ValueError):
    """The payload cannot be used; the message says why, in words a shop developer understands."""


@dataclass(frozen=True)
class PurchaseLine:
    """One product line: the shop's product reference (SKU or id), its title and the quantity."""

    product_ref: str
    title: str = ""
    quantity: int = 1
    support_until: date | None = None  # when the shop states the end of support itself


@dataclass(frozen=True)
class PurchaseData:
    """A purchase as any shop reports it. ``status`` is "paid", "refunded" or "cancelled"."""

    source: str
    external_id: str
    email: str
    name: str = ""
    purchased_at: datetime = field(default_factory=timezone.now)
    lines: tuple[PurchaseLine, ...] = ()
    status: str = "paid"
    raw: dict = field(default_factory=dict, compare=False)

    @property
    def normalised_email(self):
        return self.email.strip().lower()

    def as_json(self):
        """The payload as JSON-ready data (dates as ISO strings), e.g. for the audit copy."""
        return {
            "source": self.source,
            "external_id": self.external_id,
            "email": self.email,
            "name": self.name,
            "purchased_at": self.purchased_at.isoformat(),
            "lines": [
                {
                    "product_ref": line.product_ref,
                    "title": line.title,
                    "quantity": line.quantity,
                    "support_until": line.support_until.isoformat() if line.support_until else None,
                }
                for line in self.lines
            ],
            "status": self.status,
        }

    @classmethod
    def from_dict(cls, data, *, source=None):
        """Validate JSON-like ``data`` into a ``PurchaseData``; ``source`` overrides the payload's."""
        if not isinstance(data, dict):
            raise PayloadError("The payload must be a JSON object.")
        check_json(data)
        source = source or _text(data, "source", required=True, max_length=50)
        external_id = _text(data, "external_id", required=True, max_length=255)
        email = _text(data, "email", required=True, max_length=254)
        try:
            validate_email(email)
        except ValidationError as error:
            raise PayloadError(f"'email' is not a valid e-mail address: {email!r}.") from error
        status = data.get("status", "paid")
        if status not in STATUSES:
            raise PayloadError(f"'status' must be one of {', '.join(STATUSES)}; got {status!r}.")
        raw_lines = data.get("lines")
        if not isinstance(raw_lines, list) or not raw_lines:
            raise PayloadError("'lines' must be a non-empty list of products.")
        if len(raw_lines) > MAX_LINES:
            raise PayloadError(f"'lines' may hold at most {MAX_LINES} products.")
        return cls(
            source=source,
            external_id=external_id,
            email=email,
            name=_text(data, "name", max_length=255),
            purchased_at=_datetime(data.get("purchased_at")),
            lines=tuple(_line(line, index) for index, line in enumerate(raw_lines)),
            status=status,
            raw=data,
        )


def _text(data, key, *, required=False, max_length=255):
    value = data.get(key, "")
    if value is None:
        value = ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise PayloadError(f"'{key}' must be a string.")
    value = value.strip()
    if required and not value:
        raise PayloadError(f"'{key}' is required.")
    if len(value) > max_length:
        raise PayloadError(f"'{key}' is longer than {max_length} characters.")
    return value


def _datetime(value):
    if value in (None, ""):
        return timezone.now()
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            parsed = datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError) as error:
            raise PayloadError(f"'purchased_at' is not a possible Unix time: {value!r}.") from error
    elif isinstance(value, str):
        try:  # a well-formed but impossible date ("2025-02-30") raises ValueError
            parsed = parse_datetime(value)
            if parsed is None and (day := parse_date(value)) is not None:
                parsed = datetime(day.year, day.month, day.day)
        except ValueError as error:
            raise PayloadError(f"'purchased_at' is an impossible date: {value!r} ({error}).") from error
    else:
        parsed = None
    if parsed is None:
        raise PayloadError(f"'purchased_at' is not an ISO 8601 date and time: {value!r}.")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _line(data, index):
    where = f"lines[{index}]"
    if not isinstance(data, dict):
        raise PayloadError(f"'{where}' must be an object with 'product_ref', 'title' and 'quantity'.")
    product_ref = _text(data, "product_ref", max_length=100)
    if not product_ref:
        raise PayloadError(f"'{where}.product_ref' is required.")
    quantity = data.get("quantity", 1)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 1000:
        raise PayloadError(f"'{where}.quantity' must be a whole number from 1 to 1000.")
    support_until = data.get("support_until")
    if support_until not in (None, ""):
        try:
            parsed = parse_date(str(support_until)[:10]) if isinstance(support_until, str) else None
        except ValueError as error:
            raise PayloadError(
                f"'{where}.support_until' is an impossible date: {support_until!r} ({error})."
            ) from error
        if parsed is None:
            raise PayloadError(f"'{where}.support_until' must be a date (YYYY-MM-DD).")
        support_until = parsed
    else:
        support_until = None
    return PurchaseLine(
        product_ref=product_ref,
        title=_text(data, "title", max_length=255),
        quantity=quantity,
        support_until=support_until,
    )
