"""Done-when 3: hostile input. XSS payloads in the title, description, reply and attachment file name
run no script in Chromium and put no ``javascript:`` URL on the page; oversized and disguised files are
refused with a clear error and nothing is written."""

import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import EntitlementFactory, InstallationFactory, UserFactory, publish_support_page
from tests.tickets.test_support_views import new_ticket_data, png_bytes, screenshot
from wagtail_support.models import Attachment, Message, Ticket
from wagtail_support.tickets.markdown import render_markdown

MARK = "window.__xss=1"
PAYLOADS = [
    f"<script>{MARK}</script>",
    f'<img src=x onerror="{MARK}">',
    f'"><svg onload={MARK}>',
    f'<a href="javascript:{MARK}">html link</a>',
    f'<iframe src="javascript:{MARK}"></iframe>',
    f"[inline](javascript:{MARK})",
    f"[upper](JaVaScRiPt:{MARK})",
    f"[reference style][1]\n\n[1]: javascript:{MARK}",
    f"[reference, leading space][evil]\n\n[evil]:  javascript:{MARK}",
    f"[leading space]( javascript:{MARK})",
    f"<javascript:{MARK}>",
    f"[angle brackets](<javascript:{MARK}>)",
    f"[entity](&#106;avascript:{MARK})",
    f"[hex entity](&#x6A;avascript&#x3A;{MARK})",
    f"[named entity](javascript&colon;{MARK})",
    f"[tab](java\tscript:{MARK})",
    f"![image](javascript:{MARK})",
    "[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    f'[title attr](https://example.com "x\\" onmouseover=\\"{MARK}")',
    f"```\n</code><script>{MARK}</script>\n```",
]
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "srcdoc")


DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
#: Resolves every URL attribute the way the browser does and returns the dangerous ones.
DOM_URLS = """() => Array.from(document.querySelectorAll('*')).flatMap(el =>
    ['href', 'src', 'action', 'formaction', 'data'].filter(name => el.hasAttribute(name)).map(name =>
        new URL(el.getAttribute(name), document.baseURI).protocol))
    .filter(protocol => ['javascript:', 'vbscript:', 'data:'].includes(protocol))"""


def javascript_urls(html):
    """URL attributes that a browser would run as script: it drops tabs and newlines and trims the rest."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag in soup.find_all(True):
        for attribute in URL_ATTRIBUTES:
            if tag.has_attr(attribute):
                value = re.sub(r"[\t\n\r]", "", str(tag[attribute])).strip("\x00\x20").lower()
                if value.startswith(DANGEROUS_SCHEMES):
                    found.append((tag.name, attribute, tag[attribute]))
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_never_renders_script_or_javascript_urls(payload):
    html = render_markdown(payload)
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all(["script", "img", "iframe", "svg"])
    assert not any(attr.startswith("on") for tag in soup.find_all(True) for attr in tag.attrs)
    assert javascript_urls(html) == []
    schemes = {urlsplit(a["href"]).scheme for a in soup.find_all("a", href=True)}
    assert schemes <= {"", "http", "https", "mailto"}  # "" is a relative link
    assert all(a.get("rel") == ["nofollow", "noopener"] for a in soup.find_all("a", href=True))


# Files


@pytest.fixture
def customer(client, db):
    cache.clear()
    publish_support_page()
    user = UserFactory(username="ann")
    client.force_login(user)
    entitlement = EntitlementFactory(purchase__customer=user)
    InstallationFactory(entitlement=entitlement, domain="ann.example")
    return entitlement


DISGUISED = {
    "html named as a screenshot": ("shot.png", b"<html><script>alert(1)</script></html>"),
    "svg named as a screenshot": ("shot.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    "svg named as a log": ("debug.log", b'<?xml version="1.0"?><svg onload="alert(1)"/>'),
    "broken image": ("shot.png", b"\x89PNG\r\n\x1a\n" + b"not really an image" * 20),
    "executable": ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
}


@pytest.mark.parametrize("name", DISGUISED)
def test_disguised_files_are_refused_and_nothing_is_written(client, customer, name):
    filename, content = DISGUISED[name]
    upload = SimpleUploadedFile(filename, content, content_type="image/png")

    response = client.post("/support/new/", new_ticket_data(customer, attachments=[upload]))

    assert response.status_code == 400
    assert "cannot be attached. Files may be: PNG, JPEG, GIF, WebP, PDF" in response.content.decode()
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_oversized_files_are_refused_and_nothing_is_written(client, customer, settings):
    settings.WAGTAIL_SUPPORT = {"ATTACHMENT_MAX_BYTES": 100}
    big = SimpleUploadedFile("big.png", png_bytes((200, 200)), content_type="image/png")

    response = client.post("/support/new/", new_ticket_data(customer, attachments=[big]))

    assert response.status_code == 400
    assert "files may be at most 100" in response.content.decode()
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_too_many_files_are_refused(client, customer, settings):
    settings.WAGTAIL_SUPPORT = {"ATTACHMENTS_PER_MESSAGE": 2}
    files = [screenshot(f"{n}.png") for n in range(3)]

    response = client.post("/support/new/", new_ticket_data(customer, attachments=files))

    assert response.status_code == 400
    assert "Attach at most 2 files" in response.content.decode()
    assert not Ticket.objects.exists()


def test_oversized_description_is_refused(client, customer, settings):
    settings.WAGTAIL_SUPPORT = {"MESSAGE_MAX_LENGTH": 50}

    response = client.post("/support/new/", new_ticket_data(customer, description="x" * 51))

    assert response.status_code == 400
    assert not Ticket.objects.exists()


# In the browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_xss_payloads_run_no_script_in_chromium(live_server, page, client, settings):
    settings.WAGTAIL_SUPPORT = {"TICKET_CREATE_RATE": "100/h", "TICKET_REPLY_RATE": "100/h"}
    cache.clear()
    publish_support_page()
    ann = UserFactory(username="ann")
    entitlement = EntitlementFactory(purchase__customer=ann)
    InstallationFactory(entitlement=entitlement, domain="ann.example")
    client.force_login(ann)
    for payload in PAYLOADS:
        upload = SimpleUploadedFile(f'{payload[:60]}".png', png_bytes(), content_type="image/png")
        title = payload.replace("\n", " ")[:200]
        data = new_ticket_data(entitlement, title=title, description=payload, attachments=[upload])
        assert client.post("/support/new/", data).status_code == 302, payload
    for ticket, payload in zip(Ticket.objects.order_by("pk"), reversed(PAYLOADS), strict=True):
        response = client.post(f"/support/{ticket.reference}/reply/", {"body": payload})
        assert response.status_code == 302
    assert Message.objects.count() == 2 * len(PAYLOADS)

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    paths = ["/support/"] + [f"/support/{t.reference}/" for t in Ticket.objects.all()]
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
        assert page.evaluate("window.__xss") is None, path
        assert javascript_urls(page.content()) == [], path
        assert page.evaluate(DOM_URLS) == [], path
    # The inline preview (JavaScript) shows the server's sanitised HTML too.
    page.fill("textarea[name=body]", "\n\n".join(PAYLOADS))
    page.click("[data-preview-button]")
    page.wait_for_selector("#reply-preview .support-message-body")
    assert page.evaluate("window.__xss") is None
    assert javascript_urls(page.content()) == []
    assert page.evaluate(DOM_URLS) == []
    assert dialogs == []
