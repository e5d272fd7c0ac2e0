"""Inbound e-mail from an IMAP mailbox, polled by Celery beat (``WAGTAIL_SUPPORT["INBOUND_IMAP"]``).

The folder is a work queue: every message in it is one not stored yet. ``poll()`` reads each one
without marking it seen (``BODY.PEEK``), stores it with ``receive()``, and only then moves it to the
processed folder. Nothing is ever deleted before it is stored: a message whose storing fails stays in
the folder and is tried again at the next poll; a message stored but not moved (the connection dropped)
comes back at the next poll, and ``receive()`` takes the redelivery as a no-op. Every message in the
folder is read, seen or not: a person who opened the mailbox must not hide a customer's e-mail.
"""

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from wagtail_support.conf import support_settings
from wagtail_support.degrade import from_cache
from wagtail_support.inbound.services import receive

logger = logging.getLogger(__name__)

BATCH = 50  # messages fetched per IMAP command
LOCK_KEY = "wagtail_support:imap-poll"
IMAP_KEYS = {"HOST", "PORT", "USER", "PASSWORD", "SSL", "FOLDER", "PROCESSED_FOLDER", "TIMEOUT"}


@dataclass(frozen=True)
class PollResult:
    """What one poll did: messages stored (new), already stored (redeliveries), failed (left in place)."""

    stored: int = 0
    duplicates: int = 0
    failed: int = 0
    moved: int = 0


def imap_settings():
    """``INBOUND_IMAP`` with its defaults, or None when no mailbox is configured."""
    config = support_settings.INBOUND_IMAP
    if not config:
        return None
    unknown = sorted(set(config) - IMAP_KEYS)
    if unknown:
        raise ImproperlyConfigured(
            f'WAGTAIL_SUPPORT["INBOUND_IMAP"] has unknown keys: {", ".join(unknown)}. '
            f"Known keys: {', '.join(sorted(IMAP_KEYS))}."
        )
    ssl = config.get("SSL", True)
    return {
        "HOST": config["HOST"],
        "PORT": int(config.get("PORT") or (993 if ssl else 143)),
        "USER": config["USER"],
        "PASSWORD": config["PASSWORD"],
        "SSL": ssl,
        "FOLDER": config.get("FOLDER") or "INBOX",
        "PROCESSED_FOLDER": config.get("PROCESSED_FOLDER") or "Processed",
        "TIMEOUT": float(config.get("TIMEOUT") or 30),
    }


def is_configured():
    return bool(support_settings.INBOUND_ENABLED and support_settings.INBOUND_IMAP)


def open_mailbox(config):
    """A logged-in ``imap_tools`` mailbox on ``config["FOLDER"]``."""
    from imap_tools import MailBox, MailBoxUnencrypted

    mailbox_class = MailBox if config["SSL"] else MailBoxUnencrypted
    mailbox = mailbox_class(config["HOST"], config["PORT"], timeout=config["TIMEOUT"])
    return mailbox.login(config["USER"], config["PASSWORD"], initial_folder=config["FOLDER"])


def ensure_folder(mailbox, name):
    if not mailbox.folder.exists(name):
        mailbox.folder.create(name)


def fetch_raw(mailbox, uids):
    """``[(uid, raw bytes)]`` of ``uids``, read without setting ``\\Seen``."""
    status, data = mailbox.client.uid("FETCH", ",".join(uids), "(UID BODY.PEEK[])")
    if status != "OK":
        raise OSError(f"IMAP FETCH failed: {status} {data!r}")
    found = []
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            head, raw = item
            uid = _uid_in(head)
            if uid is not None:
                found.append((uid, raw))
    return found


def _uid_in(head):
    words = head.decode("ascii", "replace").replace("(", " ").split()
    for word, following in zip(words, words[1:], strict=False):
        if word.upper() == "UID" and following.isdigit():
            return following
    return None


def store_one(uid, raw):
    """Store one message; returns "stored", "duplicate" or "failed" (then it stays in the folder)."""
    try:
        _row, created = receive(raw, via="imap")
    except Exception:
        logger.exception("Inbound e-mail (IMAP uid %s) could not be stored; it stays in the mailbox.", uid)
        return "failed"
    return "stored" if created else "duplicate"


def poll(limit=1000):
    """Store every message of the mailbox's folder (up to ``limit``) and move each stored one to the
    processed folder. Returns a ``PollResult``; does nothing (an empty result) when not configured or
    when another poll is running."""
    config = imap_settings()
    if config is None:
        return PollResult()
    timeout = int(config["TIMEOUT"] * 4 + 60)
    locked = from_cache(lambda: cache.add(LOCK_KEY, 1, timeout), default=True, what="IMAP poll lock")
    if not locked:
        return PollResult()
    try:
        return _poll(config, limit)
    finally:
        from_cache(lambda: cache.delete(LOCK_KEY), what="IMAP poll lock")


def _poll(config, limit):
    counts = {"stored": 0, "duplicate": 0, "failed": 0}
    moved = 0
    tried = set()
    with open_mailbox(config) as mailbox:
        ensure_folder(mailbox, config["PROCESSED_FOLDER"])
        # Mail that arrives while a poll runs is taken by it too, up to ``limit`` messages.
        while len(tried) < limit:
            uids = [uid for uid in mailbox.uids("UNDELETED") if uid not in tried][:BATCH]
            if not uids:
                break
            tried.update(uids)
            done = []
            for uid, raw in fetch_raw(mailbox, uids):
                outcome = store_one(uid, raw)
                counts[outcome] += 1
                if outcome != "failed":
                    done.append(uid)
            if done:  # only what is stored: the rest stays for the next poll
                mailbox.move(done, config["PROCESSED_FOLDER"])
                moved += len(done)
    return PollResult(counts["stored"], counts["duplicate"], counts["failed"], moved)
