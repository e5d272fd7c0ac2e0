"""Purchase → account: the welcome e-mail's set-password link, setting the password, and the resend page."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from wagtail.models import Site

from tests.factories import SupportedProductFactory, UserFactory
from wagtail_support.models import CustomerAccount
from wagtail_support.notifications.models import Notification
from wagtail_support.purchases import accounts, services
from wagtail_support.purchases.payload import PurchaseData, PurchaseLine
from wagtail_support.tickets.pages import SupportPage

pytestmark = pytest.mark.django_db

RESEND = reverse("wagtail_support:resend_setup")
PASSWORD = "a-long-Unusual-passphrase-42"  # noqa: S105 - a test value


@pytest.fixture
def support_page():
    root = Site.objects.get(is_default_site=True).root_page
    page = root.add_child(instance=SupportPage(title="Support", slug="support"))
    page.save_revision().publish()
    return page


@pytest.fixture
def buy(django_capture_on_commit_callbacks):
    """``buy("ann@example.com")`` records a paid order the way every shop adapter does; e-mail is sent."""
    SupportedProductFactory(name="Aurora theme", references=["AURORA-THEME"])
    counter = iter(range(1, 1000))

    def record(email, name="Ann Buyer"):
        data = PurchaseData(
            source="test-shop",
            external_id=f"order-{next(counter)}",
            email=email,
            name=name,
            lines=(PurchaseLine("AURORA-THEME", "Aurora theme", 1),),
        )
        with django_capture_on_commit_callbacks(execute=True):
            return services.record_purchase(data)

    return record


def set_password_path(message):
    match = re.search(r"https?://\S+/account/set-password/\S+/", message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


def set_password(client, path, password=PASSWORD):
    form = client.get(path, follow=True)
    return client.post(form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


def test_welcome_email_holds_a_set_password_link_and_no_password(buy):
    purchase = buy("ann@example.com")

    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    message = mail.outbox[0]
    assert "set your password" in message.subject.lower()
    assert set_password_path(message).startswith("/support-center/account/set-password/")
    assert "Aurora theme" in message.body
    html = message.alternatives[0][0]
    assert set_password_path(message) in html
    assert not purchase.customer.has_usable_password()  # there is no password that could leak
    assert accounts.is_setup_pending(purchase.customer)


def test_following_the_link_shows_the_set_password_form(client, buy):
    buy("ann@example.com")

    response = client.get(set_password_path(mail.outbox[0]), follow=True)

    assert response.status_code == 200
    assert "Set your password" in response.content.decode()
    assert 'name="new_password1"' in response.content.decode()


VALIDATORS = "django.contrib.auth.password_validation."


@override_settings(
    AUTH_PASSWORD_VALIDATORS=[
        {"NAME": VALIDATORS + "UserAttributeSimilarityValidator"},
        {"NAME": VALIDATORS + "MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
        {"NAME": VALIDATORS + "CommonPasswordValidator"},
        {"NAME": VALIDATORS + "NumericPasswordValidator"},
    ]
)
def test_the_password_rules_speak_to_the_customer_as_every_page_does(client, buy):
    """Django's Spanish help texts say "usted" ("Su contraseña…"); the customer pages say "tú"."""
    buy("ann@example.com")
    path = set_password_path(mail.outbox[0])

    english = client.get(path, follow=True).content.decode()
    spanish = client.get("/es" + path, follow=True).content.decode()  # the example site's Spanish prefix

    assert "Your password must have at least 10 characters." in english
    assert "Tu contraseña debe tener al menos 10 caracteres." in spanish
    assert "Tu contraseña no puede ser solo números." in spanish
    assert "Su contraseña" not in spanish and "Introduzca" not in spanish


def test_setting_the_password_signs_in_sets_up_and_lands_in_support(client, buy, support_page):
    purchase = buy("ann@example.com")

    response = set_password(client, set_password_path(mail.outbox[0]))

    assert response.status_code == 302
    assert response["Location"] == "/support/"
    user = get_user_model().objects.get(pk=purchase.customer_id)
    assert user.check_password(PASSWORD)
    assert int(client.session["_auth_user_id"]) == user.pk
    account = CustomerAccount.objects.get(user=user)
    assert not account.setup_pending and account.setup_completed_at is not None
    assert "Your password is set" in client.get("/support/").content.decode()


def test_the_link_fails_after_use(client, buy):
    buy("ann@example.com")
    path = set_password_path(mail.outbox[0])
    set_password(client, path)
    client.logout()

    response = client.get(path, follow=True)

    assert "This link no longer works" in response.content.decode()
    assert 'name="new_password1"' not in response.content.decode()


@override_settings(PASSWORD_RESET_TIMEOUT=3600)
def test_the_link_fails_after_expiry(client, buy, monkeypatch):
    purchase = buy("ann@example.com")
    path = set_password_path(mail.outbox[0])
    later = datetime.now() + timedelta(hours=2)
    monkeypatch.setattr(accounts.setup_token_generator, "_now", lambda: later)

    response = client.get(path, follow=True)

    assert "This link no longer works" in response.content.decode()
    assert not get_user_model().objects.get(pk=purchase.customer_id).has_usable_password()


def test_a_password_reset_token_is_no_set_password_token(client, buy):
    from django.contrib.auth.tokens import default_token_generator

    purchase = buy("ann@example.com")
    path = set_password_path(mail.outbox[0])
    uidb64 = path.rstrip("/").split("/")[-2]
    forged = reverse(
        "wagtail_support:set_password",
        kwargs={"uidb64": uidb64, "token": default_token_generator.make_token(purchase.customer)},
    )

    assert "This link no longer works" in client.get(forged, follow=True).content.decode()


def test_an_existing_buyer_gets_purchase_added_without_a_new_account(client, buy):
    customer = UserFactory(email="ann@example.com")
    CustomerAccount.objects.create(user=customer)

    purchase = buy("Ann@Example.com")

    assert purchase.customer == customer
    assert get_user_model().objects.filter(email__iexact="ann@example.com").count() == 1
    assert list(Notification.objects.values_list("kind", flat=True)) == ["purchase_added"]
    assert "/account/set-password/" not in mail.outbox[0].body  # the account is already set up


def test_a_second_purchase_before_set_up_still_carries_the_link(buy):
    buy("ann@example.com")
    buy("ann@example.com")

    assert [n.kind for n in Notification.objects.order_by("pk")] == ["welcome", "purchase_added"]
    assert "/account/set-password/" in mail.outbox[1].body


def test_resend_answers_a_known_and_an_unknown_address_identically(
    client, buy, django_capture_on_commit_callbacks
):
    buy("ann@example.com")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(RESEND, {"email": "ann@example.com"})
        unknown = client.post(RESEND, {"email": "nobody@example.com"})

    assert (
        (known.status_code, known["Location"])
        == (unknown.status_code, unknown["Location"])
        == (
            302,
            reverse("wagtail_support:resend_setup_done"),
        )
    )
    assert client.get(known["Location"]).content == client.get(unknown["Location"]).content
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    assert set_password_path(mail.outbox[0])


def test_the_resent_link_works(client, buy, support_page, django_capture_on_commit_callbacks):
    buy("ann@example.com")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESEND, {"email": "ann@example.com"})

    response = set_password(client, set_password_path(mail.outbox[0]))

    assert response["Location"] == "/support/"


@override_settings(WAGTAIL_SUPPORT={"RESEND_SETUP_RATE": "2/h"})
def test_resend_is_rate_limited_with_a_clear_message(client, buy):
    buy("ann@example.com")
    for _ in range(2):
        assert client.post(RESEND, {"email": "ann@example.com"}).status_code == 302

    response = client.post(RESEND, {"email": "ann@example.com"})

    assert response.status_code == 429
    assert "Too many requests. Please wait an hour and try again." in response.content.decode()


@override_settings(WAGTAIL_SUPPORT={"RESEND_SETUP_RATE": "2/h"})
def test_the_rate_limit_treats_unknown_addresses_the_same(client):
    for _ in range(2):
        assert client.post(RESEND, {"email": "nobody@example.com"}).status_code == 302
    assert client.post(RESEND, {"email": "nobody@example.com"}).status_code == 429


def test_resend_page_never_sends_on_get(client, buy):
    buy("ann@example.com")
    mail.outbox.clear()
    assert client.get(RESEND, {"email": "ann@example.com"}).status_code == 200
    assert not Notification.objects.filter(kind="setup_link").exists()


def test_login_page_links_to_the_resend_page(client):
    content = client.get(reverse("wagtail_support:login")).content.decode()
    assert f'href="{RESEND}"' in content
    assert "Didn&#x27;t get the e-mail?" in content or "Didn't get the e-mail?" in content


def test_without_a_support_page_the_customer_lands_on_login_redirect_url(client, buy):
    buy("ann@example.com")

    response = set_password(client, set_password_path(mail.outbox[0]))

    assert response.status_code == 302 and response["Location"] == "/"
