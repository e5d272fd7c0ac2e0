"""Checks for uploaded files: size, count, and a type read from the content, never from the name."""

import os

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from wagtail_support.conf import support_settings

IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}


def safe_name(name):
    """A file name without path, control characters or markup, for display and Content-Disposition."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    cleaned = get_valid_filename(base) if base else ""
    return (cleaned or "attachment")[-120:]


def sniff_type(upload):
    """The real type of ``upload`` from its bytes, or None when it is not an allowed kind of file."""
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if (
        head[:8] == b"\x89PNG\r\n\x1a\n"
        or head[:3] == b"\xff\xd8\xff"
        or head[:6] in (b"GIF87a", b"GIF89a")
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    ):
        return _verified_image(upload)
    if _is_plain_text(upload):
        return "text/plain"
    return None


def _verified_image(upload):
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            kind = IMAGE_FORMATS.get(image.format)
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    finally:
        upload.seek(0)
    return kind


def _is_plain_text(upload):
    data = upload.read(64 * 1024)
    upload.seek(0)
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    lowered = text.lstrip().lower()[:200]
    return not lowered.startswith(("<!doctype", "<html", "<svg", "<?xml", "<script"))


def validate_uploads(files):
    """Return ``[(upload, safe name, content type)]`` or raise ``ValidationError`` naming the bad file."""
    limit = support_settings.ATTACHMENTS_PER_MESSAGE
    if len(files) > limit:
        raise ValidationError(_("Attach at most %(count)d files to one message.") % {"count": limit})
    checked = []
    for upload in files:
        name = safe_name(upload.name)
        if upload.size > support_settings.ATTACHMENT_MAX_BYTES:
            raise ValidationError(
                _("“%(name)s” is %(size)s; files may be at most %(limit)s.")
                % {
                    "name": name,
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(support_settings.ATTACHMENT_MAX_BYTES),
                }
            )
        content_type = sniff_type(upload)
        if content_type is None or content_type not in support_settings.ATTACHMENT_TYPES:
            raise ValidationError(
                _("“%(name)s” is not a screenshot (PNG, JPEG, GIF, WebP), a PDF or a plain-text log.")
                % {"name": name}
            )
        checked.append((upload, name, content_type))
    return checked
