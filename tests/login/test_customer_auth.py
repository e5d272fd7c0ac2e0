"""The customer's log-in, log-out and password-reset pages, shipped by the app, and their throttling."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from tests.factories import SupportedProductFactory, publish_support_page
from wagtail_support.notifications.models import Notification
from wagtail_support.notifications.render import render_email
from wagtail_support.purchases import accounts, services
from wagtail_support.purchases.payload import PurchaseData, PurchaseLine

pytestmark = pytest.mark.django_db

LOGIN = reverse("wagtail_support:login")
LOGOUT = reverse("wagtail_support:logout")
RESET = reverse("wagtail_support:password_reset")
PASSWORD = "a-long-Unusual-passphrase-42"  # noqa: S105 - a test value
DEAD_REDIS = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


@pytest.fixture
def support_page():
    return publish_support_page()


@pytest.fixture
def ann():
    """A customer as purchases make them: the username is the purchase e-mail, lower-cased."""
    user, _ = accounts.customer_for("Ann@Example.com", "Ann Buyer")
    user = get_user_model().objects.get(pk=user.pk)
    user.set_password(PASSWORD)
    user.save()
    accounts.complete_setup(user)
    return user


@pytest.fixture
def buy(django_capture_on_commit_callbacks):
    SupportedProductFactory(name="Aurora theme", references=["AURORA-THEME"])
    counter = iter(range(1, 1000))

    def record(email):
        data = PurchaseData(
            source="test-shop",
            external_id=f"order-{next(counter)}",
            email=email,
            name="Ann Buyer",
            lines=(PurchaseLine("AURORA-THEME", "Aurora theme", 1),),
        )
        with django_capture_on_commit_callbacks(execute=True):
            return services.record_purchase(data)

    return record


def log_in(client, username="ann@example.com", password=PASSWORD, next=None, **meta):
    data = {"username": username, "password": password} | ({"next": next} if next else {})
    return client.post(LOGIN, data, **meta)


@pytest.fixture
def post_and_send(client, django_capture_on_commit_callbacks):
    """POST, then run the on-commit hooks that hand the outbox's e-mails over (sent in-process here)."""

    def post(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return post


def logged_in(client):
    return "_auth_user_id" in client.session


def link_in(message, path_part):
    match = re.search(rf"https?://\S+{path_part}\S*", message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


# Where anonymous customers are sent


def test_support_page_sends_anonymous_visitors_to_the_apps_login_without_login_url(client, support_page):
    assert not settings.is_overridden("LOGIN_URL")  # the example site no longer sets it

    response = client.get("/support/new/")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/support/new/"


def test_owner_can_send_customers_to_another_login_page(client, support_page):
    with override_settings(WAGTAIL_SUPPORT={"LOGIN_URL": "/sso/login/"}):
        response = client.get("/support/")

    assert response["Location"] == "/sso/login/?next=/support/"


# Log in


def test_login_page_asks_for_the_email_address_and_offers_a_password_reset(client):
    response = client.get(LOGIN)

    content = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<label class="form-label" for="id_username">E-mail address', content)
    assert f'href="{RESET}"' in content and "Forgot your password?" in content


def test_customer_logs_in_with_the_purchase_email_in_any_case(client, ann, support_page):
    response = log_in(client, username="ANN@example.COM")

    assert response.status_code == 302 and response["Location"] == "/support/"
    assert logged_in(client)


def test_wrong_password_is_refused_with_a_clear_error(client, ann):
    response = log_in(client, password="nope")

    assert response.status_code == 200 and not logged_in(client)
    assert "Please enter the e-mail address and password of your account." in response.content.decode()


def test_next_is_followed_on_this_host_only(client, ann, support_page):
    assert log_in(client, next="/support/new/")["Location"] == "/support/new/"
    client.logout()

    response = log_in(client, next="https://evil.example/steal")

    assert response["Location"] == "/support/"


def test_without_a_support_page_login_lands_on_login_redirect_url(client, ann):
    assert log_in(client)["Location"] == "/"


def test_logout_is_post_only_and_returns_to_the_login_page(client, ann):
    client.force_login(ann)
    assert client.get(LOGOUT).status_code == 405
    assert logged_in(client)

    with override_settings(LOGOUT_REDIRECT_URL=None):
        response = client.post(LOGOUT, follow=True)

    assert response.redirect_chain[0][0] == LOGIN
    assert not logged_in(client)
    content = response.content.decode()
    assert content.count("You are logged out.") == 1  # the page shows it; the example's base does not again
    assert re.search(r'role="status"[^>]*>\s*<div class="alert alert-info">You are logged out.', content)


# Throttling


def test_fifteen_wrong_passwords_then_the_right_one_is_refused(client, ann):
    for _ in range(15):
        log_in(client, password="wrong")

    response = log_in(client)

    assert response.status_code == 429
    assert not logged_in(client)
    assert re.search(r"Too many attempts. Please try again in \d+ minutes?.", response.content.decode())


def test_login_is_throttled_per_account_whatever_the_address(client, ann):
    for number in range(5):
        log_in(client, username="Ann@example.com", password="wrong", REMOTE_ADDR=f"10.0.0.{number}")

    assert log_in(client, REMOTE_ADDR="10.0.0.99").status_code == 429


def test_login_is_throttled_per_address_across_accounts(client, ann):
    for number in range(20):
        log_in(client, username=f"someone{number}@example.com", password="wrong")

    assert log_in(client).status_code == 429
    assert log_in(client, REMOTE_ADDR="10.9.9.9").status_code == 302  # another address may log in


def test_login_limits_come_from_the_settings(client, ann):
    with override_settings(WAGTAIL_SUPPORT={"LOGIN_RATE_PER_ACCOUNT": "2/m"}):
        log_in(client, password="wrong")
        log_in(client, password="wrong")
        response = log_in(client)

    assert response.status_code == 429
    assert "Please try again in 1 minute." in response.content.decode()


@override_settings(CACHES=DEAD_REDIS)
def test_login_still_works_when_the_cache_is_unreachable(client, ann):
    assert client.get(LOGIN).status_code == 200
    for _ in range(6):
        assert log_in(client, password="wrong", next="/").status_code == 200  # no limit, no 500

    response = log_in(client, next="/")

    assert response.status_code == 302 and logged_in(client)


# Password reset


def test_password_reset_answers_the_same_for_unknown_and_known_addresses(post_and_send, ann):
    unknown = post_and_send(RESET, {"email": "nobody@example.com"})
    known = post_and_send(RESET, {"email": "ann@example.com"})

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == reverse("wagtail_support:password_reset_done")
    assert [[to.lower() for to in message.to] for message in mail.outbox] == [["ann@example.com"]]


def test_password_reset_link_sets_a_new_password(client, post_and_send, ann, support_page):
    post_and_send(RESET, {"email": "ANN@example.com"})
    path = link_in(mail.outbox[0], "/account/set-password/")

    form = client.get(path, follow=True)
    new = "another-Long-passphrase-7"
    response = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})

    assert response.status_code == 302 and response["Location"] == "/support/"
    client.logout()
    assert log_in(client, password=new).status_code == 302


def test_password_reset_is_throttled(post_and_send, ann):
    for _ in range(5):
        post_and_send(RESET, {"email": "ann@example.com"})

    response = post_and_send(RESET, {"email": "ann@example.com"})

    assert response.status_code == 429
    assert "Too many attempts." in response.content.decode()
    assert len(mail.outbox) == 5


@override_settings(CACHES=DEAD_REDIS)
def test_password_reset_still_works_when_the_cache_is_unreachable(post_and_send, ann):
    assert post_and_send(RESET, {"email": "ann@example.com"}).status_code == 302
    assert len(mail.outbox) == 1


# E-mails


def test_welcome_email_of_an_account_already_set_up_links_to_log_in(buy):
    purchase = buy("ann@example.com")
    user = purchase.customer
    user.set_password(PASSWORD)
    user.save()
    accounts.complete_setup(user)  # set up before the welcome e-mail is rendered (a retry, a slow queue)

    email = render_email(Notification(**accounts.purchase_email(purchase, new_account=True)))

    assert "Set your password" not in email.body and "set your password" not in email.subject.lower()
    assert link_in(email, LOGIN) == LOGIN
    assert f"{LOGIN}" in email.alternatives[0][0]
    assert not re.search(r"finish it:\s*\n\s*\n", email.body)


def test_welcome_email_of_a_new_account_links_to_set_the_password(buy):
    buy("ann@example.com")

    assert link_in(mail.outbox[0], "/account/set-password/")


def test_purchase_added_email_of_a_set_up_account_links_to_the_apps_login(buy, ann):
    mail.outbox.clear()
    buy("ann@example.com")

    message = mail.outbox[0]
    assert link_in(message, LOGIN) == LOGIN
    assert "/account/set-password/" not in message.body


def test_setup_link_email_of_a_set_up_account_also_offers_the_login_page(post_and_send, ann):
    post_and_send(reverse("wagtail_support:resend_setup"), {"email": "ann@example.com"})

    message = mail.outbox[0]
    assert link_in(message, "/account/set-password/")
    assert link_in(message, LOGIN) == LOGIN


@override_settings(CACHES=DEAD_REDIS)
def test_resend_page_still_works_when_the_cache_is_unreachable(post_and_send, ann):
    response = post_and_send(reverse("wagtail_support:resend_setup"), {"email": "ann@example.com"})

    assert response.status_code == 302 and len(mail.outbox) == 1
