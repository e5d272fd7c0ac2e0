"""The example site's demo shop: it sends ``purchase_completed`` exactly as a real shop integration would."""

import uuid
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from example_site.home import demo_content
from example_site.shop.catalogue import CATALOGUE
from wagtail_support.models import Purchase
from wagtail_support.notifications.models import Notification
from wagtail_support.signals import purchase_completed

pytestmark = pytest.mark.django_db

SHOP = reverse("shop:index")
CHECKOUT = reverse("shop:checkout")
THANK_YOU = reverse("shop:thank_you")


@pytest.fixture
def demo():
    call_command("support_demo", admin_password="demo-password", stdout=StringIO())


@pytest.fixture
def sent():
    """The payloads the shop sends with ``purchase_completed``."""
    payloads = []

    def receiver(sender, purchase, **kwargs):
        payloads.append(purchase)

    purchase_completed.connect(receiver)
    yield payloads
    purchase_completed.disconnect(receiver)


def checkout(client, product="AURORA-THEME", email="shopper@example.com", name="Ann Buyer", **kwargs):
    return client.post(CHECKOUT, {"email": email, "name": name, "product": product}, **kwargs)


def test_the_catalogue_sells_demo_products_under_their_shop_references():
    references = {ref: name for name, _, refs, *_ in demo_content.PRODUCTS for ref in refs}
    assert [(item.sku, str(item.title)) for item in CATALOGUE] == [
        ("AURORA-THEME", "Aurora theme"),
        ("HOSTING-BUSINESS", "Business hosting"),
    ]
    assert all(references[item.sku] == str(item.title) for item in CATALOGUE)


def test_shop_lists_both_products_with_their_support(client, demo):
    content = client.get(SHOP).content.decode()
    assert "Aurora theme" in content and "Business hosting" in content
    assert "Support covers 1 installation per theme purchase." in content
    assert "Includes 1 premium theme of your choice" in content
    assert f"{CHECKOUT}?product=HOSTING-BUSINESS" in content


def test_the_site_menu_links_to_the_shop(client, demo):
    assert f'href="{SHOP}"' in client.get("/").content.decode()


def test_checkout_sends_purchase_completed_like_a_real_shop(
    client, demo, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = checkout(client)

    assert response.status_code == 302 and response["Location"] == THANK_YOU
    [payload] = sent
    assert payload.source == "demo-shop"
    assert uuid.UUID(payload.external_id)
    assert (payload.email, payload.name, payload.status) == ("shopper@example.com", "Ann Buyer", "paid")
    assert [(line.product_ref, line.quantity) for line in payload.lines] == [("AURORA-THEME", 1)]
    purchase = Purchase.objects.get(source="demo-shop")
    assert purchase.entitlements.get().product.name == "Aurora theme"
    assert purchase.customer.email == "shopper@example.com"
    assert [m.to for m in mail.outbox] == [["shopper@example.com"]]
    assert "/account/set-password/" in mail.outbox[0].body


def test_every_checkout_is_a_new_order(client, demo, sent):
    checkout(client)
    checkout(client, product="HOSTING-BUSINESS")
    assert len({payload.external_id for payload in sent}) == 2
    assert Purchase.objects.filter(source="demo-shop", customer__email="shopper@example.com").count() == 2
    kinds = Notification.objects.filter(recipient="shopper@example.com").order_by("pk")
    assert list(kinds.values_list("kind", flat=True)) == [
        "welcome",
        "purchase_added",
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "", "name": "Ann", "product": "AURORA-THEME"}, "Enter your e-mail address."),
        (
            {"email": "not-an-address", "name": "Ann", "product": "AURORA-THEME"},
            "Enter a valid e-mail address.",
        ),
        ({"email": "shopper@example.com", "name": "", "product": "AURORA-THEME"}, "Enter your name."),
        ({"email": "shopper@example.com", "name": "Ann", "product": ""}, "Choose a product."),
        (
            {"email": "shopper@example.com", "name": "Ann", "product": "FREE-LUNCH"},
            "Choose one of the products",
        ),
    ],
)
def test_invalid_checkout_shows_a_clear_error_and_sends_nothing(client, demo, sent, data, message):
    response = client.post(CHECKOUT, data)
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content and "Please correct the errors below." in content
    assert sent == [] and not Purchase.objects.filter(source="demo-shop").exists()


def test_nothing_changes_on_get(client, demo, sent):
    response = client.get(
        CHECKOUT, {"email": "shopper@example.com", "name": "Ann", "product": "AURORA-THEME"}
    )
    assert response.status_code == 200
    assert client.get(THANK_YOU).status_code == 200
    assert sent == [] and not Purchase.objects.filter(source="demo-shop").exists()


def test_checkout_form_preselects_the_product_from_the_shop_page(client, demo):
    content = client.get(CHECKOUT, {"product": "HOSTING-BUSINESS"}).content.decode()
    assert 'value="HOSTING-BUSINESS" ' in content.replace(">", " ")
    assert "checked" in content.split('value="HOSTING-BUSINESS"')[1].split(">")[0]


def test_checkout_is_protected_by_csrf(demo, sent):
    client = Client(enforce_csrf_checks=True)
    assert checkout(client).status_code == 403
    assert sent == []


def test_thank_you_page_says_check_your_email_and_spam_folder(client):
    content = client.get(THANK_YOU).content.decode()
    assert "Thank you — check your e-mail" in content
    assert "spam" in content
    assert reverse("wagtail_support:resend_setup") in content
    assert "printed in the console" not in content


@override_settings(DEBUG=True, EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
def test_in_debug_the_thank_you_page_says_emails_go_to_the_console(client):
    assert "printed in the console" in client.get(THANK_YOU).content.decode()
