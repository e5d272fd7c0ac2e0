"""Reading a message: the text a person wrote, its files as the portal checks them, automatic mail."""

from email.message import EmailMessage

from tests.tickets.test_core import png_bytes
from wagtail_support.inbound import content, loops


def message_with(files, **headers):
    message = EmailMessage()
    for name, value in {"From": "ann@example.com", "Subject": "Hi", **headers}.items():
        message[name] = value
    message.set_content("See the screenshots.")
    for name, data in files:
        message.add_attachment(data, maintype="image", subtype="png", filename=name)
    return message


def test_files_over_the_count_limit_are_refused_with_the_portal_words(settings):
    settings.WAGTAIL_SUPPORT = {"ATTACHMENTS_PER_MESSAGE": 2}
    accepted, refused = content.attachments(message_with([(f"shot{n}.png", png_bytes()) for n in range(3)]))
    assert [upload.name for upload in accepted] == ["shot0.png", "shot1.png"]
    assert refused == [("shot2.png", "Attach at most 2 files to one message.")]


def test_an_oversized_file_is_refused_with_the_limit(settings):
    settings.WAGTAIL_SUPPORT = {"ATTACHMENT_MAX_BYTES": 10}
    accepted, [(name, why)] = content.attachments(message_with([("big.png", png_bytes())]))
    assert not accepted and name == "big.png" and "files may be at most" in why


def test_html_as_text_keeps_lines_and_drops_scripts_styles_and_quotes():
    html = (
        "<div>Line one<br>Line two</div><script>x()</script><style>p{}</style>"
        '<div class="gmail_quote">On Monday we wrote:<blockquote>old</blockquote></div><p>After</p>'
    )
    assert content.html_to_text(html) == "Line one\nLine two\n\nAfter"


def test_precedence_no_and_auto_submitted_no_are_written_by_a_person():
    assert loops.auto_reply_reason(message_with([], **{"Auto-Submitted": "no"})) is None
    assert loops.auto_reply_reason(message_with([], Precedence="first-class")) is None
    assert loops.auto_reply_reason(message_with([], Precedence="list")) == "Precedence: list"
    assert loops.auto_reply_reason(message_with([], **{"Return-Path": "<>"})).startswith("Return-Path")
    assert loops.auto_reply_reason(message_with([], **{"X-Autorespond": "yes"})).startswith("X-Autorespond")
