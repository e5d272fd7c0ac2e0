"""Raw inbound e-mails live in the private attachment storage (``ATTACHMENT_STORAGE``), under ``inbound/``."""

import uuid

from django.utils import timezone

from wagtail_support.tickets.storage import attachment_storage


def inbound_storage():
    return attachment_storage()


def inbound_upload_to(instance, filename):
    """A random name per day: the message's own headers never reach a path."""
    return f"inbound/{timezone.now():%Y/%m/%d}/{uuid.uuid4().hex}.eml"
