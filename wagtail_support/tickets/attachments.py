"""Uploaded files: the one list of allowed types, and checks of size, count, name and content.

A file's type is read from its bytes, never from its name or the type the browser claims: images must
open with Pillow, PDFs must start with ``%PDF-`` and hold no HTML in their first kilobyte, and text
must not look like HTML, SVG or XML, even after a byte-order mark, white space or comments. A file is
stored under the extension of its verified type (``storage.attachment_upload_to``); the name the
customer gave it is kept, sanitised, for display only.
"""

import os
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from wagtail_support.conf import support_settings


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str  # what the file is stored and downloaded as
    label: str = ""  # how the customer calls it, in the list beside the field
    accept: tuple[str, ...] = ()  # extra hints for the browser's file picker


#: Every type the app can recognise, by content type; ``ATTACHMENT_TYPES`` may narrow it, never widen it.
#: The one list: the field's ``accept``, its help text, the errors and the downloads all read it.
FILE_TYPES = {
    file_type.content_type: file_type
    for file_type in (
        FileType("image/png", ".png", "PNG"),
        FileType("image/jpeg", ".jpg", "JPEG", accept=(".jpg", ".jpeg")),
        FileType("image/gif", ".gif", "GIF"),
        FileType("image/webp", ".webp", "WebP"),
        FileType("application/pdf", ".pdf", "PDF"),
        FileType("text/plain", ".txt", pgettext_lazy("file type", "text log (.txt, .log)"), (".log", ".txt")),
    )
}
THUMBNAIL_SIZE = (320, 240)
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_NAME_LENGTH = 120
MAX_IMAGE_PIXELS = 40_000_000  # an 8K screenshot is 33 megapixels

#: Markup a browser could render as a page or run as script, wherever it appears in the sniffed bytes.
ACTIVE_MARKUP = re.compile(
    rb"<\s*(?:!doctype|\?xml|html|head|body|script|svg|iframe|frame|object|embed|img|image|meta|link|"
    rb"style|form|math|xml|xsl|template|base|video|audio)\b|<[a-z][^<>]{0,200}\son[a-z]+\s*=",
    re.IGNORECASE,
)
BOMS = (b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe")
LEADING_NOISE = re.compile(rb"\A(?:\s+|<!--.*?-->|<\?.*?\?>)*", re.DOTALL)


def allowed_types():
    """The content types this site accepts: the app's, narrowed by ``ATTACHMENT_TYPES`` when set."""
    chosen = support_settings.ATTACHMENT_TYPES
    return [content_type for content_type in FILE_TYPES if not chosen or content_type in chosen]


def allowed_type_names():
    """The allowed types as the customer reads them: "PNG, JPEG, GIF, WebP, PDF, text log (.txt, .log)"."""
    return ", ".join(str(FILE_TYPES[content_type].label) for content_type in allowed_types())


def limits_text():
    """The limits stated beside every attachments field, in the visitor's language."""
    return _("Up to %(count)d files, %(size)s each: %(types)s.") % {
        "count": support_settings.ATTACHMENTS_PER_MESSAGE,
        "size": filesizeformat(support_settings.ATTACHMENT_MAX_BYTES),
        "types": allowed_type_names(),
    }


def accept_attribute():
    """The ``accept`` attribute of the file inputs: the allowed types and their usual extensions."""
    values = []
    for content_type in allowed_types():
        values += [content_type, *FILE_TYPES[content_type].accept]
    return ",".join(values)


def extension_for(content_type):
    """The extension a file of a verified ``content_type`` is stored under (``.bin`` for anything else)."""
    file_type = FILE_TYPES.get(content_type)
    return file_type.extension if file_type else ".bin"


def safe_name(name, content_type=None):
    """A display name without path, control characters or markup; never empty, never too long.

    With ``content_type``, the name ends with that type's extension ("shot.svg" holding a PNG is shown
    and downloaded as "shot.svg.png").
    """
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(char for char in base if unicodedata.category(char)[0] not in "CZ" or char == " ")
    # Django's get_valid_filename, which refuses ("SuspiciousFileOperation") what leaves nothing.
    base = re.sub(r"(?u)[^-\w.]", "", base.strip().replace(" ", "_")).strip(".") or _("attachment")
    stem, suffix = os.path.splitext(base)
    if content_type:
        extension = extension_for(content_type)
        if suffix.lower() not in (extension, *FILE_TYPES.get(content_type, FileType("", "")).accept, ".jpeg"):
            stem, suffix = base, extension
    suffix = suffix[:16]
    return (stem[: MAX_NAME_LENGTH - len(suffix)] or _("attachment")) + suffix


@dataclass(frozen=True)
class CheckedFile:
    """An upload whose size, type and name were checked, and its thumbnail when it is an image.

    Unpacks as ``(upload, name, content_type)``. Services given a ``CheckedFile`` do not check it again.
    """

    upload: object
    name: str
    content_type: str
    thumbnail: bytes | None = None

    def __iter__(self):
        return iter((self.upload, self.name, self.content_type))

    @property
    def size(self):
        return self.upload.size


def sniff_type(upload):
    """The real type of ``upload`` from its bytes, or None when it is not an allowed kind of file."""
    return inspect_upload(upload)[0]


def inspect_upload(upload):
    """``(content type, thumbnail PNG bytes or None)`` of ``upload`` from its bytes; the type is None
    when it is not an allowed kind of file. An image is opened by Pillow once, for both."""
    upload.seek(0)
    head = upload.read(64 * 1024)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return ("application/pdf" if not ACTIVE_MARKUP.search(head[:1024]) else None), None
    if (
        head[:8] == b"\x89PNG\r\n\x1a\n"
        or head[:3] == b"\xff\xd8\xff"
        or head[:6] in (b"GIF87a", b"GIF89a")
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    ):
        return _verified_image(upload)
    if _is_plain_text(head):
        return "text/plain", None
    return None, None


def _verified_image(upload):
    """``(type, thumbnail)`` when Pillow decodes every pixel of the image (a valid header followed by
    HTML passes ``verify()`` alone), else ``(None, None)``. Images of more than ``MAX_IMAGE_PIXELS``
    are refused before decoding, so a small file cannot unpack into gigabytes. The thumbnail is made
    from the decoded pixels and written anew as PNG: nothing of the sent file's bytes is served inline."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            kind = IMAGE_FORMATS.get(image.format)
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return None, None
            image.load()
            thumbnail = _thumbnail(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None, None
    finally:
        upload.seek(0)
    return kind, (thumbnail if kind else None)


def _thumbnail(image):
    import io

    small = image.convert("RGBA") if image.mode not in ("RGB", "RGBA") else image.copy()
    small.thumbnail(THUMBNAIL_SIZE)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _is_plain_text(data):
    """UTF-8 text without NUL bytes that no browser would take for HTML, SVG or XML."""
    if b"\x00" in data:
        return False
    for bom in BOMS:
        data = data.removeprefix(bom)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(data) - 3:  # only a character cut at the end of the sniffed part is fine
            return False
    start = data[LEADING_NOISE.match(data).end() :]
    return not re.match(rb"<[a-zA-Z!?/]", start) and not ACTIVE_MARKUP.search(data)


def validate_uploads(files):
    """Return ``[CheckedFile]`` (each unpacks as ``(upload, safe name, content type)``) or raise
    ``ValidationError`` naming the bad file. Files already checked (``CheckedFile``) are not read again."""
    limit = support_settings.ATTACHMENTS_PER_MESSAGE
    if len(files) > limit:
        raise ValidationError(_("Attach at most %(count)d files to one message.") % {"count": limit})
    checked = []
    for upload in files:
        if isinstance(upload, CheckedFile):
            checked.append(upload)
            continue
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
        content_type, thumbnail = inspect_upload(upload)
        if content_type is None or content_type not in allowed_types():
            raise ValidationError(
                _("“%(name)s” cannot be attached. Files may be: %(types)s.")
                % {"name": name, "types": allowed_type_names()}
            )
        checked.append(CheckedFile(upload, safe_name(upload.name, content_type), content_type, thumbnail))
    return checked
