"""The shipped catalogues are complete: every msgid the code marks (Python, templates, support.js) has a
Spanish translation that is neither fuzzy nor empty, keeps the msgid's placeholders, and is compiled.
Extra entries in the .po files (strings of work merged later, obsolete ones) are allowed."""

import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from tests.conftest import ROOT, need
from tests.po_files import placeholders, read_mo, read_po

PACKAGE = ROOT / "wagtail_support"
SHIPPED_LOCALES = ["es"]
DOMAINS = ["django", "djangojs"]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The msgids the code marks today, as makemessages extracts them (into a copy of the package)."""
    if not (shutil.which("xgettext") and shutil.which("msgfmt") and shutil.which("msgmerge")):
        need("GNU gettext", "install it (apt-get install gettext) to extract and compile catalogues")
    copy = tmp_path_factory.mktemp("catalogue") / "wagtail_support"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "migrations"))
    (copy / "locale").mkdir()
    with pytest.MonkeyPatch.context() as patch, override_settings(LOCALE_PATHS=[]):
        patch.chdir(copy)
        for domain in DOMAINS:
            call_command("makemessages", locale=["es"], domain=domain, keep_pot=True, verbosity=0)
    return {domain: read_po(copy / "locale" / f"{domain}.pot") for domain in DOMAINS}


def _shipped(locale, domain):
    return read_po(PACKAGE / "locale" / locale / "LC_MESSAGES" / f"{domain}.po")


def _describe(keys):
    return sorted(f"{context}|{msgid}" if context else msgid for context, msgid in keys)


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_every_marked_string_has_a_finished_translation(extracted, locale, domain):
    shipped = _shipped(locale, domain)
    wanted = extracted[domain]
    assert wanted, f"makemessages found no {domain} msgids: the extraction itself is broken"

    missing = [key for key in wanted if key not in shipped]
    fuzzy = [key for key in wanted if key in shipped and shipped[key].fuzzy]
    untranslated = [key for key in wanted if key in shipped and not shipped[key].translated]

    assert _describe(missing) == [], f"msgids missing from {locale}/{domain}.po: run makemessages"
    assert _describe(fuzzy) == [], f"fuzzy entries in {locale}/{domain}.po: check and clear the flag"
    assert _describe(untranslated) == [], f"untranslated entries in {locale}/{domain}.po"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_translations_keep_the_placeholders_of_their_msgid(locale, domain):
    wrong = []
    for entry in _shipped(locale, domain).values():
        for index, text in entry.msgstr.items():
            source = entry.msgid_plural if entry.msgid_plural and index > 0 else entry.msgid
            if text and placeholders(text) != placeholders(source):
                wrong.append(f"{entry.msgid!r} -> {text!r}")
    assert wrong == []


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_compiled_catalogue_matches_its_po_file(tmp_path, locale, domain):
    if not shutil.which("msgfmt"):
        need("GNU gettext", "msgfmt compiles the catalogue to compare (apt-get install gettext)")
    messages = PACKAGE / "locale" / locale / "LC_MESSAGES"
    fresh = tmp_path / f"{domain}.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", fresh, messages / f"{domain}.po"], check=True)
    assert read_mo(messages / f"{domain}.mo") == read_mo(fresh), (
        f"{locale}/{domain}.mo is older than its .po: run compilemessages in wagtail_support/"
    )


def test_ambiguous_short_words_carry_a_context_so_other_catalogues_cannot_take_them():
    with translation.override("es"):
        assert pgettext("customer website", "Site") == "Sitio"
        assert pgettext("ticket status", "Awaiting you") == "Esperando tu respuesta"
        assert pgettext("ticket priority", "High") == "Alta"
        assert gettext("My tickets") == "Mis tickets"
        # Wagtail's catalogue says "Ingresar" for a context-less "Log in", and wins when wagtail_support
        # comes after Wagtail in INSTALLED_APPS, as docs/installation.md adds it.
        assert pgettext("customer account", "Log in") == "Iniciar sesión"
        assert pgettext("customer account", "Log out") == "Cerrar sesión"


@pytest.mark.django_db
def test_support_js_words_come_from_the_apps_javascript_catalogue(client):
    with translation.override("es"):
        url = reverse("wagtail_support:jsi18n")
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Cargando la vista previa" in body


@pytest.mark.django_db
def test_customer_layout_loads_the_catalogue_before_support_js(client):
    page = client.get(reverse("wagtail_support:login")).content.decode()
    catalogue, script = page.find(reverse("wagtail_support:jsi18n")), page.find("wagtail_support/support.js")
    assert 0 < catalogue < script
