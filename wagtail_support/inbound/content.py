"""What a customer wrote in an e-mail: the reply without quoted history or signature, and the files.

The text part is preferred; an HTML-only message becomes plain text (quoted ``blockquote``s and Gmail's
quote block dropped). Either is then cut by mail-parser-reply, which knows the "On … wrote:" lines,
Outlook's header blocks and signatures of Gmail, Outlook and Apple Mail in many languages.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from mailparser_reply import EmailReplyParser

from wagtail_support.conf import support_settings
from wagtail_support.tickets.attachments import safe_name, validate_uploads

#: Languages whose reply headers and signatures are recognised (English is always included).
REPLY_LANGUAGES = ["en", "es", "de", "fr", "it", "nl"]
BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "hr"}
SKIPPED_TAGS = {"script", "style", "head", "title", "blockquote"}


@dataclass
class Content:
    text: str
    files: list = field(default_factory=list)  # accepted uploads, checked as the portal checks them
    refused: list = field(default_factory=list)  # (file name, why), for the note to the customer


class _HtmlText(HTMLParser):
    """Text of an HTML body: block elements end lines; scripts, styles and quoted blocks are dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = []

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag in SKIPPED_TAGS or "gmail_quote" in classes or dict(attrs).get("id") == "divRplyFwdMsg":
            self.skipping.append(tag)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCK_TAGS and not self.skipping:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()
        elif tag in BLOCK_TAGS and not self.skipping:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html):
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def body_text(message):
    """The message's own text: its plain-text part, else its HTML part as text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, ValueError):  # an unknown or lying charset
        text = (part.get_payload(decode=True) or b"").decode("utf-8", errors="replace")
    if part.get_content_type() == "text/html":
        text = html_to_text(text)
    return text


def latest_reply(text):
    """``text`` without quoted history and signature; the whole text when nothing is left."""
    replies = EmailReplyParser(languages=REPLY_LANGUAGES).read(text or "").replies
    reply = replies[0].body if replies else ""
    if not reply.strip():  # the parser took everything for history: keep what was written
        reply = replies[0].content if replies else text
    return (reply or "").strip()


def attachments(message):
    """``(accepted uploads, refused [(name, why)])``: each file checked as a portal upload is."""
    accepted, refused = [], []
    for part in message.iter_attachments():
        if part.get_content_maintype() in ("multipart", "message"):
            continue
        name = part.get_filename() or "attachment"
        data = part.get_payload(decode=True) or b""
        upload = SimpleUploadedFile(name, data, content_type=part.get_content_type())
        if len(accepted) >= support_settings.ATTACHMENTS_PER_MESSAGE:
            why = _("Attach at most %(count)d files to one message.")
            refused.append((safe_name(name), why % {"count": support_settings.ATTACHMENTS_PER_MESSAGE}))
            continue
        try:
            validate_uploads([upload])
        except ValidationError as error:
            refused.append((safe_name(name), " ".join(error.messages)))
        else:
            accepted.append(upload)
    return accepted, refused


def read_content(message):
    accepted, refused = attachments(message)
    return Content(
        text=latest_reply(body_text(message))[: support_settings.MESSAGE_MAX_LENGTH],
        files=accepted,
        refused=refused,
    )
