"""A Spanish visitor reads the customer pages and e-mails in Spanish: no text on them is one of our English
msgids left untranslated (checked against the shipped catalogue, not by eye)."""

import re

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.utils import translation

from tests.conftest import ROOT
from tests.factories import (
    EntitlementFactory,
    InstallationFactory,
    SupportedProductFactory,
    UserFactory,
    publish_support_page,
)
from tests.po_files import PLACEHOLDER, read_po
from tests.purchases.test_service import order
from wagtail_support.customers.preferences import remember_language
from wagtail_support.notifications.models import Notification
from wagtail_support.notifications.render import render_email
from wagtail_support.purchases.services import record_purchase
from wagtail_support.tickets import colleagues, services

pytestmark = pytest.mark.django_db

CATALOGUE = ROOT / "wagtail_support" / "locale" / "es" / "LC_MESSAGES" / "django.po"
VISIBLE_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


def english_msgids():
    """A pattern for each msgid whose Spanish differs from its English outside the placeholders (words
    like "Normal" or "%(counter)s ticket" read the same in both); placeholders match any text."""
    english = set()
    for entry in read_po(CATALOGUE).values():
        for source in filter(None, (entry.msgid, entry.msgid_plural)):
            words = PLACEHOLDER.sub("", source)
            if all(PLACEHOLDER.sub("", text) != words for text in entry.msgstr.values()):
                parts = PLACEHOLDER.split(" ".join(source.split()))
                english.add((source, re.compile(".+?".join(map(re.escape, parts)))))
    return english


def english_left(texts, english):
    return sorted({source for text in texts for source, pattern in english if pattern.fullmatch(text)})


def visible_texts(html):
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "template"]):
        hidden.decompose()
    texts = [" ".join(text.split()) for text in soup.stripped_strings]
    texts += [tag[name] for name in VISIBLE_ATTRIBUTES for tag in soup.find_all(attrs={name: True})]
    texts += [tag["value"] for tag in soup.find_all("input", attrs={"type": "submit", "value": True})]
    return soup, texts


@pytest.fixture
def ann(client):
    cache.clear()
    publish_support_page()
    ann = UserFactory(username="ann", email="ann@example.com")
    entitlement = EntitlementFactory(purchase__customer=ann)
    InstallationFactory(entitlement=entitlement, domain="ann.example")
    ticket = services.open_ticket(ann, entitlement, "El pago falla", "Sale un error al pagar.")
    agent = UserFactory(username="agent", is_staff=True, is_superuser=True)
    services.reply(ticket, agent, "Ya está arreglado.")
    return {"user": ann, "ticket": ticket}


def test_customer_pages_have_no_english_msgid_left(client, ann):
    english = english_msgids()
    sources = {source for source, _ in english}
    assert {"My tickets", "Site", "Support until %(date)s"} <= sources
    assert "%(counter)s ticket" not in sources
    # The example site serves Spanish under /es/ (i18n_patterns); unprefixed paths are its default language.
    anonymous = ["/es/support-center/account/login/", "/es/support-center/account/password-reset/"]
    signed_in = [
        "/es/support/",
        "/es/support/new/",
        "/es/support/products/",
        f"/es/support/{ann['ticket'].reference}/",
    ]
    for path in anonymous + signed_in:
        if path == signed_in[0]:
            client.force_login(ann["user"])
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="es", follow=True)
        assert response.status_code == 200, path
        soup, texts = visible_texts(response.content.decode())
        assert soup.html["lang"] == "es", path
        assert english_left(texts, english) == [], f"English left on {path}"


def test_emails_in_spanish_have_no_english_msgid_left():
    cache.clear()
    publish_support_page()
    ann = UserFactory(username="ann", email="ann@example.com")
    agent = UserFactory(username="agent", is_staff=True, is_superuser=True)
    entitlement = EntitlementFactory(purchase__customer=ann)
    remember_language(ann, "es")  # chosen on the customer's first visit, or in Preferences
    with translation.override("es"):  # the customer's requests (the worker then renders in that language)
        ticket = services.open_ticket(ann, entitlement, "El pago falla", "Error.")
        sam = colleagues.add_colleague(ticket, ann, "sam@example.com").user
        services.reply(ticket, sam, "Pasa también en el móvil.")  # ann gets a copy
        services.reply(ticket, agent, "Ya está arreglado.", close=True)  # "Send and close": one e-mail
        services.reopen(ticket, agent)
        SupportedProductFactory(name="Aurora", references=["AURORA"])
        for email in ("ann@example.com", "nueva@example.com"):  # an existing account and a new one
            record_purchase(order(external_id=email, email=email, lines=(("AURORA", 1),)))
    english = english_msgids()
    sent = Notification.objects.filter(language="es")
    kinds = {
        "ticket_opened_customer",
        "ticket_reply_customer",
        "ticket_reply_colleague",
        "ticket_status_customer",
        "welcome",
        "purchase_added",
    }
    assert kinds <= set(sent.values_list("kind", flat=True))
    for notification in sent:
        with translation.override("en"):  # the worker's own language does not matter
            email = render_email(notification)
        texts = [email.subject.strip(), *(" ".join(line.split()) for line in email.body.splitlines())]
        texts += visible_texts(email.alternatives[0][0])[1]
        assert english_left(texts, english) == [], f"English left in {notification.kind}"
