"""Issue 15 done-when 5: every e-mail is rendered in its recipient's language — the customer's own,
the agent's Wagtail admin language for staff — whatever language the request that queued it used."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from wagtail.users.models import UserProfile

from tests.factories import (
    EntitlementFactory,
    MessageFactory,
    TicketFactory,
    UserFactory,
    publish_support_page,
)
from tests.i18n_helpers import translate_page
from wagtail_support.customers.models import CustomerProfile
from wagtail_support.notifications import render
from wagtail_support.notifications.models import Notification
from wagtail_support.purchases.payload import PurchaseData, PurchaseLine
from wagtail_support.purchases.services import record_purchase
from wagtail_support.sitesettings import SupportSettings
from wagtail_support.tickets import services

pytestmark = pytest.mark.django_db

#: A msgid of the customer's reply e-mail; translated once the Spanish catalogue is in.
REPLY_INTRO = "The support team answered your ticket about %(product)s:"


@pytest.fixture(autouse=True)
def support_page():
    cache.clear()
    page = publish_support_page()
    settings = SupportSettings.for_site(page.get_site())
    settings.team_emails = "team@example.com"
    settings.save()
    return page


@pytest.fixture
def rendered_languages(monkeypatch):
    """The language active while each e-mail's templates were rendered, by recipient."""
    seen = {}
    original = render.render_plain_text

    def spy(name, context):
        seen.setdefault(context["recipient"], translation.get_language())
        return original(name, context)

    monkeypatch.setattr(render, "render_plain_text", spy)
    return seen


@pytest.fixture
def spanish_customer():
    customer = UserFactory(username="lucia", email="lucia@example.com")
    CustomerProfile.objects.create(user=customer, language="es")
    return customer


def test_an_agent_with_an_english_admin_answers_a_spanish_customer_in_spanish(
    client, spanish_customer, support_page, mailoutbox, rendered_languages, django_capture_on_commit_callbacks
):
    spanish_support = translate_page(support_page, title="Soporte", slug="soporte")
    agent = UserFactory(username="agent", email="agent@example.com", groups=["Support agents"])
    UserProfile.objects.update_or_create(user=agent, defaults={"preferred_language": "en"})
    ticket = TicketFactory(entitlement=EntitlementFactory(purchase__customer=spanish_customer))
    MessageFactory(ticket=ticket)
    client.force_login(agent)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtail_support_tickets:inspect", args=[ticket.pk]),
            {"action": "reply", "body": "Use a 400 px logo."},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert response.status_code == 302
    row = Notification.objects.get(kind="ticket_reply_customer")
    assert row.language == "es"
    assert rendered_languages["lucia@example.com"] == "es"
    [email] = [m for m in mailoutbox if m.to == ["lucia@example.com"]]
    with translation.override("es"):
        intro = gettext(REPLY_INTRO) % {"product": ticket.product.name}
    assert intro in email.body  # Spanish words once the catalogue is in; the same test before it
    assert spanish_support.url + ticket.reference + "/" in email.body  # the link opens the Spanish section


def test_staff_e_mails_use_the_agents_admin_language_or_the_sites_default(
    spanish_customer, rendered_languages, django_capture_on_commit_callbacks
):
    agent = UserFactory(username="agente", email="agente@example.com", is_staff=True)
    UserProfile.objects.update_or_create(user=agent, defaults={"preferred_language": "es"})
    ticket = TicketFactory(
        entitlement=EntitlementFactory(purchase__customer=spanish_customer), assignee=agent
    )

    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        services.reply(ticket, spanish_customer, "Sigue sin funcionar.")

    rows = dict(Notification.objects.filter(kind="ticket_reply_staff").values_list("recipient", "language"))
    assert rows == {"agente@example.com": "es"}
    ticket.assignee = None
    ticket.save()
    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        services.reply(ticket, spanish_customer, "¿Alguna novedad?")
    team = Notification.objects.filter(kind="ticket_reply_staff", recipient="team@example.com").get()
    assert team.language == "en"  # no user behind the team address: the site's default
    assert rendered_languages["team@example.com"] == "en"


def purchase(email, external_id):
    return record_purchase(
        PurchaseData(
            source="test-shop",
            external_id=external_id,
            email=email,
            name="Buyer",
            lines=(PurchaseLine(product_ref="SKU-X", title="X"),),
        )
    )


@pytest.fixture
def product():
    from tests.factories import SupportedProductFactory

    return SupportedProductFactory(references=["SKU-X"])


def test_a_purchase_without_a_request_welcomes_in_the_sites_default_language(product):
    purchase("nuevo@example.com", "o-1")
    assert Notification.objects.get(kind="welcome").language == "en"


def test_a_purchase_in_the_spanish_shop_welcomes_in_spanish(product):
    with translation.override("es"):
        purchase("nuevo@example.com", "o-1")
    assert Notification.objects.get(kind="welcome").language == "es"


def test_a_known_customer_gets_purchase_e_mails_in_their_own_language(product, spanish_customer):
    purchase(spanish_customer.email, "o-2")
    assert Notification.objects.get(kind="purchase_added").language == "es"
