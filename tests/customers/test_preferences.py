"""Issue 15: the customer's language and time zone — remembered, editable, used on their pages and in
their e-mails (done-when 3 and 5)."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import (
    EntitlementFactory,
    MessageFactory,
    TicketFactory,
    UserFactory,
    publish_support_page,
)
from tests.i18n_helpers import translate_page
from wagtail_support.customers.models import CustomerProfile
from wagtail_support.purchases.payload import PurchaseData, PurchaseLine
from wagtail_support.purchases.services import record_purchase
from wagtail_support.sitesettings import SupportSettings
from wagtail_support.templatetags.wagtail_support_time import support_datetime
from wagtail_support.tickets import services

pytestmark = pytest.mark.django_db

SUPPORT = "/support/"
DECEMBER = datetime(2026, 12, 3, 22, 5, tzinfo=UTC)  # 14:05 in Los Angeles (PST)


@pytest.fixture(autouse=True)
def support_page():
    cache.clear()
    page = publish_support_page()
    settings = SupportSettings.for_site(page.get_site())
    settings.team_emails = "team@example.com"
    settings.save()
    return page


@pytest.fixture
def customer(client):
    user = UserFactory(username="ana", email="ana@example.com")
    client.force_login(user)
    return user


def profile(user, **fields):
    return CustomerProfile.objects.update_or_create(user=user, defaults=fields)[0]


def times_shown(response):
    return [node.get_text() for node in BeautifulSoup(response.content, "html.parser").select("time")]


# The language


def test_the_language_of_the_first_sign_in_is_remembered(client):
    UserFactory(username="ana", email="ana@example.com")
    spanish_login = reverse("wagtail_support:login").replace("/support-center/", "/es/support-center/")
    assert spanish_login.startswith("/es/")

    client.post(spanish_login, {"username": "ana@example.com", "password": "password"})
    client.logout()
    client.post(reverse("wagtail_support:login"), {"username": "ana@example.com", "password": "password"})

    assert CustomerProfile.objects.get(user__username="ana").language == "es"


def test_staff_signing_in_get_no_customer_language(client):
    UserFactory(username="agent", email="agent@example.com", is_staff=True)
    client.post("/es/support-center/account/login/", {"username": "agent", "password": "password"})
    assert not CustomerProfile.objects.filter(user__username="agent").exists()


def test_preferences_show_the_language_and_zone_in_use(client, customer):
    response = client.get(SUPPORT + "preferences/")
    page = BeautifulSoup(response.content, "html.parser")

    assert response.status_code == 200
    assert page.select_one("select[name=language] option[selected]")["value"] == "en"
    assert page.select_one("select[name=time_zone] option[selected]")["value"] == "UTC"
    assert page.select_one("input[name=csrfmiddlewaretoken]")
    assert not CustomerProfile.objects.filter(user=customer).exists()  # GET writes nothing


def test_preferences_are_saved_and_the_customer_lands_on_the_spanish_section(client, customer, support_page):
    spanish_page = translate_page(support_page, title="Soporte", slug="soporte")
    response = client.post(SUPPORT + "preferences/", {"language": "es", "time_zone": "Europe/Madrid"})

    assert response.status_code == 302
    assert response["Location"].endswith(spanish_page.url + "profile/")
    saved = CustomerProfile.objects.get(user=customer)
    assert (saved.language, saved.time_zone) == ("es", "Europe/Madrid")


@pytest.mark.parametrize(
    "data", [{"language": "de", "time_zone": "UTC"}, {"language": "es", "time_zone": "Mars/Olympus"}]
)
def test_a_language_or_zone_the_site_does_not_offer_is_a_form_error_and_nothing_is_written(
    client, customer, data
):
    response = client.post(SUPPORT + "preferences/", data)
    assert response.status_code == 400
    assert BeautifulSoup(response.content, "html.parser").select(".support-errors")
    assert not CustomerProfile.objects.filter(user=customer).exists()


# The zone, detected in the browser


def test_the_browser_reports_the_zone_once_and_a_chosen_zone_is_kept(client, customer):
    page = BeautifulSoup(client.get(SUPPORT).content, "html.parser")
    marker = page.select_one("[data-detect-zone]")
    assert marker is not None and marker["data-csrf-token"]
    url = marker["data-detect-zone"]

    assert client.post(url, {"time_zone": "America/Los_Angeles"}).status_code == 204
    assert client.post(url, {"time_zone": "Asia/Tokyo"}).status_code == 204
    assert CustomerProfile.objects.get(user=customer).time_zone == "America/Los_Angeles"
    assert not BeautifulSoup(client.get(SUPPORT).content, "html.parser").select("[data-detect-zone]")


def test_the_zone_endpoint_refuses_get_and_names_that_are_no_zone(client, customer):
    url = SUPPORT + "preferences/time-zone/"
    assert client.get(url).status_code == 405
    assert client.post(url, {"time_zone": "Not/AZone"}).status_code == 400
    assert not CustomerProfile.objects.filter(user=customer).exists()


# Done-when 3: a customer in America/Los_Angeles sees Pacific time, zone named, pages and e-mails


def test_a_customer_in_los_angeles_sees_ticket_times_in_pacific_time_with_the_zone_named(
    client, customer, mailoutbox, django_capture_on_commit_callbacks
):
    profile(customer, time_zone="America/Los_Angeles")
    ticket = TicketFactory(entitlement=EntitlementFactory(purchase__customer=customer))
    MessageFactory(ticket=ticket)
    type(ticket).objects.filter(pk=ticket.pk).update(created_at=DECEMBER, last_activity_at=DECEMBER)
    ticket.messages.update(created_at=DECEMBER)

    listed = times_shown(client.get(SUPPORT))
    detail = times_shown(client.get(f"{SUPPORT}{ticket.reference}/"))

    assert listed == ["3 Dec 2026, 14:05 PST"]
    assert "3 Dec 2026, 14:05 PST" in detail
    assert all(re.fullmatch(r"\d+ \w{3} \d{4}, \d\d:\d\d \w+", text) for text in listed + detail)

    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(ticket, UserFactory(username="agent", is_staff=True), "Try a 400 px logo.")
    with timezone.override(ZoneInfo("America/Los_Angeles")):
        expected = support_datetime(reply.created_at)
    assert re.search(r" (PST|PDT)$", expected)
    [email] = [m for m in mailoutbox if m.to == ["ana@example.com"]]
    assert expected in email.body
    assert expected in email.alternatives[0][0]


def test_a_customer_without_a_zone_sees_the_servers_zone_named(client, customer):
    ticket = TicketFactory(entitlement=EntitlementFactory(purchase__customer=customer))
    type(ticket).objects.filter(pk=ticket.pk).update(last_activity_at=DECEMBER)
    assert times_shown(client.get(SUPPORT)) == ["3 Dec 2026, 22:05 UTC"]


def test_a_buyer_from_the_spanish_shop_sets_the_password_in_spanish_and_keeps_spanish(
    client, support_page, django_capture_on_commit_callbacks, mailoutbox
):
    from tests.factories import SupportedProductFactory

    spanish_page = translate_page(support_page, title="Soporte", slug="soporte")
    SupportedProductFactory(references=["AURORA"])
    data = PurchaseData(
        source="shop",
        external_id="o-1",
        email="eva@example.com",
        name="Eva",
        lines=(PurchaseLine("AURORA", "A", 1),),
    )
    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        record_purchase(data)
    [welcome] = mailoutbox
    link = re.search(r"https?://[^/]+(/\S+/set-password/\S+/)", welcome.body).group(1)
    assert link.startswith("/es/support-center/")

    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "x-Long-pass-42", "new_password2": "x-Long-pass-42"}
    )

    assert response["Location"] == spanish_page.url
    assert CustomerProfile.objects.get(user__email="eva@example.com").language == "es"
