"""Files held between two submissions of a form, so that a validation error never drops them.

A form that fails for another reason (a missing title, a site) still checked its files: they are
saved as ``PendingUpload`` rows, keyed to the user and their session, and the page offers them again
("kept from your last try"). The next submission of that session uses them; they are deleted once the
message is saved, and any left behind are swept after ``MAX_AGE``.
"""

from datetime import timedelta

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from wagtail_support.tickets.attachments import CheckedFile
from wagtail_support.tickets.models import PendingUpload

MAX_AGE = timedelta(hours=2)
SWEEP_BATCH = 200


def _session_key(request):
    if request.session.session_key is None:
        request.session.save()
    return request.session.session_key


def _own(request, tokens):
    valid = [token for token in tokens if _is_uuid(token)]
    if not valid or not request.user.is_authenticated:
        return PendingUpload.objects.none()
    return PendingUpload.objects.filter(
        token__in=valid,
        user=request.user,
        session_key=_session_key(request),
        created_at__gte=timezone.now() - MAX_AGE,
    ).order_by("pk")


def _is_uuid(value):
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def kept_files(request, tokens):
    """The ``PendingUpload`` rows of this user and session named by ``tokens`` (others are ignored)."""
    return list(_own(request, tokens))


def as_checked(row):
    """A held file as the services take it: already checked, read from the private storage."""
    handle = row.file.open("rb")
    return CheckedFile(File(handle, name=row.name), row.name, row.content_type, row.thumbnail or None)


def hold(request, checked_files):
    """Save ``checked_files`` for the next submission of this session; returns the new rows."""
    sweep()
    key = _session_key(request)
    rows = []
    for checked in checked_files:
        upload, name, content_type = checked
        row = PendingUpload(
            user=request.user,
            session_key=key,
            name=name,
            content_type=content_type,
            size=upload.size,
            thumbnail=getattr(checked, "thumbnail", None),
        )
        upload.seek(0)
        row.file.save(name, upload, save=False)
        row.save()
        rows.append(row)
    return rows


def release(rows):
    """Delete held files once their message is saved (after the commit: a rollback keeps them)."""
    rows = list(rows)
    if rows:
        transaction.on_commit(lambda: _delete(rows))


def _delete(rows):
    for row in rows:
        row.file.delete(save=False)
    PendingUpload.objects.filter(pk__in=[row.pk for row in rows]).delete()


def sweep(now=None):
    """Delete held files older than ``MAX_AGE`` (a batch at a time; called whenever files are held)."""
    cutoff = (now or timezone.now()) - MAX_AGE
    _delete(list(PendingUpload.objects.filter(created_at__lt=cutoff).order_by("pk")[:SWEEP_BATCH]))
