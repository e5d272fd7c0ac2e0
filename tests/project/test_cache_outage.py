"""Issue 13.5: with the cache unreachable, a customer's action that committed still answers with its
redirect (never a 500 after the commit), and the rate-limited views still answer.

The cache is a real Redis client pointed at a port where nothing listens, as in an outage.
"""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    EntitlementFactory,
    InstallationFactory,
    MessageFactory,
    SupportedProductFactory,
    TicketFactory,
    UserFactory,
    publish_support_page,
)
from wagtail_support.models import Installation, Message, Ticket
from wagtail_support.sitesettings import SupportSettings
from wagtail_support.tickets.models import TicketStatus

pytestmark = pytest.mark.django_db

DEAD_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def customer(client):
    page = publish_support_page()
    support = SupportSettings.for_site(page.get_site())
    support.team_emails = "team@example.com"
    support.save()
    user = UserFactory(username="ann", email="ann@example.com")
    client.force_login(user)
    return user


@pytest.fixture
def ticket(customer):
    entitlement = EntitlementFactory(purchase__customer=customer)
    InstallationFactory(entitlement=entitlement, domain="ann.example")
    ticket = TicketFactory(entitlement=entitlement)
    MessageFactory(ticket=ticket)
    return ticket


def cache_down():
    return override_settings(CACHES=DEAD_CACHE)


def test_reply_is_saved_once_and_answered_with_a_redirect_when_the_cache_is_down(
    client, ticket, django_capture_on_commit_callbacks
):
    url = f"/support/{ticket.reference}/"
    with cache_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "reply/", {"body": "Still broken."})
        assert response.status_code == 302
        assert response.url.startswith(url)
    assert Message.objects.filter(ticket=ticket, body="Still broken.").count() == 1
    assert [email.to for email in mail.outbox] == [["team@example.com"]]


def test_new_ticket_and_its_new_site_answer_with_a_redirect_when_the_cache_is_down(client, customer):
    entitlement = EntitlementFactory(purchase__customer=customer)
    data = {
        "product": entitlement.pk,
        "new_site": "fresh.example",
        "title": "Checkout shows an error",
        "description": "When I pay, I see an error.",
    }
    with cache_down():
        response = client.post("/support/new/", data)
    assert response.status_code == 302
    assert Ticket.objects.filter(customer=customer).count() == 1
    assert Installation.objects.filter(domain="fresh.example").exists()


@pytest.mark.parametrize("action", ["close/", "reopen/", "rate/"])
def test_close_reopen_and_rate_answer_with_a_redirect_when_the_cache_is_down(client, ticket, action):
    if action != "close/":  # closed, after the team answered: it can be reopened and rated
        answered = timezone.now()
        Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.CLOSED, first_response_at=answered)
    with cache_down():
        response = client.post(f"/support/{ticket.reference}/{action}", {"score": 5, "comment": ""})
    assert response.status_code == 302


def test_register_site_and_claim_answer_with_a_redirect_when_the_cache_is_down(client, customer):
    plan = EntitlementFactory(
        purchase__customer=customer,
        product=SupportedProductFactory(name="Agency plan", kind="hosting", bundled_theme_claims=1),
        installations_allowed=0,
    )
    theme = SupportedProductFactory(name="Aurora", kind="theme")
    with cache_down():
        registered = client.post(f"/support/products/{plan.pk}/installations/", {"site": "new.example"})
        claimed = client.post(f"/support/products/{plan.pk}/claim/", {"theme": theme.pk})
    assert (registered.status_code, claimed.status_code) == (302, 302)
    assert Installation.objects.filter(domain="new.example").exists()


def test_rate_limited_views_still_answer_when_the_cache_is_down(client, customer, ticket):
    """django-ratelimit raises when Redis is unreachable; the limits are let open and logged instead."""
    with cache_down():
        replies = [client.post(f"/support/{ticket.reference}/reply/", {"body": f"n{n}"}) for n in range(3)]
        client.logout()
        resend = client.post(reverse("wagtail_support:resend_setup"), {"email": "ann@example.com"})
    assert [r.status_code for r in replies] == [302, 302, 302]
    assert resend.status_code == 302


def test_the_admin_menu_counts_without_the_cache(client, ticket):
    client.force_login(UserFactory(username="agent", groups=["Support agents"]))
    with cache_down():
        response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert "Tickets (1)" in response.content.decode()


@pytest.mark.parametrize("path", ["", "{ref}/", "new/", "products/"])
def test_the_customer_pages_answer_when_the_cache_is_down(client, ticket, path):
    """Found by bench/faults.py: every link of these pages ({% pageurl %}, {% routablepageurl %}) read
    Wagtail's site root paths from the cache, so the pages answered 500 during a cache outage."""
    with cache_down():
        response = client.get("/support/" + path.format(ref=ticket.reference))
    assert response.status_code == 200
    assert f'href="/support/{ticket.reference}/' in response.content.decode() or path != ""
    assert 'action="/support/' in response.content.decode() or path in ("", "products/")


def test_the_whole_customer_journey_answers_no_500_when_the_cache_is_down(client, caplog):
    """Issue 19.3: log in, open a ticket with a screenshot, read it, download the screenshot, reply, close,
    rate, look at My products, in English and Spanish, reset a password and log out — all with Redis down."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    publish_support_page()
    user = UserFactory(username="ann", email="ann@example.com")
    user.set_password("a long and private phrase")
    user.save()
    entitlement = EntitlementFactory(purchase__customer=user)
    InstallationFactory(entitlement=entitlement, domain="ann.example")
    png = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(png, "PNG")
    answers = []

    def visit(method, url, data=None):
        response = getattr(client, method)(url, data or {})
        answers.append((method, url, response.status_code))
        return response

    with cache_down():
        visit("get", "/")
        visit("get", "/support/")
        visit("get", reverse("wagtail_support:login"))
        visit("post", reverse("wagtail_support:login"), {"username": "ann@example.com", "password": "wrong"})
        login = visit(
            "post",
            reverse("wagtail_support:login"),
            {"username": "ann@example.com", "password": "a long and private phrase"},
        )
        assert login.status_code == 302
        visit("get", "/support/")
        visit("get", "/support/new/")
        screenshot = SimpleUploadedFile("screen.png", png.getvalue(), content_type="image/png")
        data = {"product": entitlement.pk, "installation": entitlement.installations.get().pk}
        data |= {"title": "Checkout fails", "description": "It fails.", "attachments": [screenshot]}
        visit("post", "/support/new/", data)
        ticket = Ticket.objects.get(customer=user)
        url = f"/support/{ticket.reference}/"
        visit("get", url)
        attachment = ticket.messages.get().attachments.get()
        visit("get", f"{url}attachments/{attachment.pk}/")
        visit("post", url + "reply/", {"body": "Any news?"})
        visit("post", url + "close/")
        visit("post", url + "rate/", {"score": 4, "comment": "Quick."})
        visit("get", "/support/products/")
        visit("get", "/es/support/")
        visit("post", reverse("wagtail_support:logout"))
        visit("post", reverse("wagtail_support:password_reset"), {"email": "ann@example.com"})
        visit("post", reverse("wagtail_support:resend_setup"), {"email": "ann@example.com"})
    assert [a for a in answers if a[2] >= 500] == []
    assert "cache" in caplog.text.lower()  # each fall-back left a log line
