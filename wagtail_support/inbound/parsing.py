"""Reading a raw RFC 822 message: its identity, its parties and its thread, never trusting a header.

Headers may be malformed or hostile; every accessor here answers something (an empty string, an empty
list) rather than raising.
"""

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from email.utils import getaddresses, parseaddr

from wagtail_support.text import without_unsafe_characters

MAX_MESSAGE_ID = 255
#: "Re:", "Fwd:", "AW:", "RV:" … (and Outlook's "RE[2]:") before a subject.
REPLY_PREFIXES = re.compile(r"^\s*((re|fwd?|aw|wg|rv|res|tr|sv|vs)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
#: Headers that name the mailbox a message was delivered to (the signed reply address may be in any).
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")


def parse_bytes(raw):
    """The message, parsed with the standard library's modern policy."""
    return email.message_from_bytes(raw, policy=email.policy.default)


def header(message, name):
    """One header as text (decoded, unfolded, without NUL), or ""."""
    try:
        value = message.get(name)
    except Exception:  # a header so malformed the policy cannot even decode it
        value = message.get_all(name, failobj=[""])[0] if hasattr(message, "get_all") else ""
    return without_unsafe_characters(" ".join(str(value or "").split()))


def headers(message, name):
    try:
        values = message.get_all(name) or []
    except Exception:
        values = []
    return [without_unsafe_characters(str(value)) for value in values]


def addresses(message, *names):
    """Every e-mail address in the headers ``names``, lowercased, in order, each once."""
    found = []
    for name in names:
        for _, address in getaddresses(headers(message, name)):
            if "@" in address:
                found.append(address.strip().lower())
    return list(dict.fromkeys(found))


def sender_of(message):
    """The From address, lowercased, or ""."""
    address = parseaddr(header(message, "From"))[1].strip().lower()
    return address if "@" in address else ""


def bare_subject(subject):
    """The subject without reply and forward prefixes."""
    return REPLY_PREFIXES.sub("", subject or "").strip()


def message_ids(value):
    """The Message-IDs in a header value like ``References`` (``<a@b> <c@d>``)."""
    return MESSAGE_ID.findall(value or "")


def identity(message, raw):
    """The key a redelivery of this message has too: its Message-ID, else a digest of the raw bytes."""
    found = message_ids(header(message, "Message-ID"))
    if found and len(found[0]) <= MAX_MESSAGE_ID:
        return found[0]
    return digest_identity(raw)


def digest_identity(raw):
    return "sha256:" + hashlib.sha256(raw).hexdigest()


@dataclass
class Envelope:
    """What routing needs from a message's headers."""

    message_id: str
    sender: str
    subject: str
    recipients: list[str] = field(default_factory=list)
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)

    @property
    def thread_ids(self):
        """The Message-IDs this message answers, nearest first."""
        return list(dict.fromkeys([*self.in_reply_to, *reversed(self.references)]))


def envelope(message, raw):
    return Envelope(
        message_id=identity(message, raw),
        sender=sender_of(message),
        subject=header(message, "Subject")[:255],
        recipients=addresses(message, *RECIPIENT_HEADERS),
        in_reply_to=message_ids(header(message, "In-Reply-To")),
        references=message_ids(header(message, "References")),
    )


def read(raw):
    """``(message, envelope)`` of the raw bytes."""
    message = parse_bytes(raw)
    return message, envelope(message, raw)
