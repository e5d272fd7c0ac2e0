"""Private storage for attachments, through Django's storage API (local disk, S3, ...).

Configure ``STORAGES["wagtail_support_attachments"]`` (the alias is ``WAGTAIL_SUPPORT["ATTACHMENT_STORAGE"]``)
with a storage that the web server does NOT serve. Without it, files go to a "support-private"
folder beside MEDIA_ROOT, never inside it, and a system check says so. On S3 (django-storages), use a
private bucket: the app streams each file through its access checks and never renders a bucket URL
(docs/deployment.md#object-storage).

A stored file goes when its row goes (a ticket, a message or a customer deleted), once the deletion
has committed.
"""

import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from wagtail_support.conf import support_settings

logger = logging.getLogger(__name__)


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


@receiver(post_delete, sender="wagtail_support.Attachment", dispatch_uid="wagtail_support.attachment_files")
def delete_files_with_their_row(sender, instance, using, **kwargs):
    """Delete the stored files of a deleted attachment (and its thumbnails, any file field), after commit."""
    files = [
        (field.storage, getattr(instance, field.attname).name)
        for field in instance._meta.concrete_fields
        if isinstance(field, models.FileField) and getattr(instance, field.attname)
    ]

    def delete():
        for storage, name in files:
            try:
                storage.delete(name)
            except Exception:  # the storage unreachable: the row is gone, the file is only orphaned
                logger.warning("Could not delete the stored file %s", name, exc_info=True)

    transaction.on_commit(delete, using=using)
