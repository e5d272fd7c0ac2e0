"""Private storage for attachments, through Django's storage API (local disk, S3, ...).

Configure ``STORAGES["wagtail_support_attachments"]`` (the alias is ``WAGTAIL_SUPPORT["ATTACHMENT_STORAGE"]``)
with a storage that the web server does NOT serve. Without it, files go to a "support-private"
folder beside MEDIA_ROOT, never inside it, and a system check says so.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages

from wagtail_support.conf import support_settings


def attachment_storage():
    alias = support_settings.ATTACHMENT_STORAGE
    if alias in settings.STORAGES:
        return storages[alias]
    return FileSystemStorage(location=fallback_location(), base_url=None)


def fallback_location():
    return Path(settings.MEDIA_ROOT).resolve().parent / "support-private"


def attachment_upload_to(instance, filename):
    """A random name with the extension of the verified type: the customer's file name and extension are
    kept in the database for display only, never in a path (a PNG named "x.svg" is stored as ".png")."""
    from wagtail_support.tickets.attachments import extension_for

    return f"support/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}{extension_for(instance.content_type)}"
