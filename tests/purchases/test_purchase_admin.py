"""Support → Purchases in the Wagtail admin: who sees what, the actions, and nothing changing on GET."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.admin_access import DENIED, LOGIN, OK, outcome
from tests.factories import (
    EntitlementFactory,
    InstallationFactory,
    PurchaseFactory,
    SupportedProductFactory,
    UserFactory,
)
from wagtail_support.models import Installation, Purchase
from wagtail_support.notifications.models import Notification

pytestmark = pytest.mark.django_db

INDEX = reverse("wagtail_support_purchases:index")
ADD = reverse("wagtail_support_purchases:add")


def with_permissions(user, *codenames):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["wagtail_support", "wagtailadmin"]).filter(
            codename__in=codenames
        )
    )
    return user


@pytest.fixture
def users():
    return {
        "anonymous": None,
        "customer": UserFactory(username="customer"),
        "editor": UserFactory(username="editor", groups=["Editors"]),
        "agent": UserFactory(username="agent", groups=["Support agents"]),
        "clerk": with_permissions(
            UserFactory(username="clerk"), "access_admin", "view_purchase", "add_purchase", "change_purchase"
        ),
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
    }


@pytest.fixture
def purchase():
    entitlement = EntitlementFactory(
        product=SupportedProductFactory(name="Aurora theme", references=["AURORA-THEME"]),
        purchase__external_id="A-1001",
        purchase__customer__email="ann@example.com",
        purchase__unknown_references=[{"product_ref": "MYSTERY-1", "title": "Mystery box", "quantity": 2}],
    )
    InstallationFactory(entitlement=entitlement, domain="ann.example")
    return entitlement.purchase


def action_urls(purchase):
    installation = Installation.objects.get(entitlement__purchase=purchase)
    return {
        "resend": reverse("wagtail_support_purchases:resend_setup", args=[purchase.pk]),
        "revoke": reverse("wagtail_support_purchases:revoke", args=[purchase.pk]),
        "release": reverse("wagtail_support_purchases:release_installation", args=[installation.pk]),
        "move": reverse("wagtail_support_purchases:move_installation", args=[installation.pk]),
    }


@pytest.mark.parametrize(
    "role, can_view, can_add",
    [
        ("anonymous", LOGIN, LOGIN),
        ("customer", LOGIN, LOGIN),
        ("editor", DENIED, DENIED),
        ("agent", OK, DENIED),
        ("clerk", OK, OK),
        ("superuser", OK, OK),
    ],
)
def test_listing_screen_and_add_form_by_role(client, users, purchase, role, can_view, can_add):
    if users[role] is not None:
        client.force_login(users[role])
    assert outcome(client.get(INDEX)) == can_view
    assert outcome(client.get(reverse("wagtail_support_purchases:inspect", args=[purchase.pk]))) == can_view
    assert outcome(client.get(ADD)) == can_add


@pytest.mark.parametrize(
    "role, can_change, can_revoke",
    [
        ("anonymous", LOGIN, LOGIN),
        ("customer", LOGIN, LOGIN),
        ("editor", DENIED, DENIED),
        ("agent", DENIED, DENIED),
        ("clerk", OK, DENIED),
        ("superuser", OK, OK),
    ],
)
@pytest.mark.parametrize("action", ["resend", "revoke", "release", "move"])
def test_each_action_by_role(client, users, purchase, role, can_change, can_revoke, action):
    if users[role] is not None:
        client.force_login(users[role])
    expected = can_revoke if action == "revoke" else can_change

    response = client.post(action_urls(purchase)[action], {"site": "moved.example", "status": "refunded"})

    assert outcome(response) == expected
    purchase.refresh_from_db()
    installation = Installation.objects.filter(entitlement__purchase=purchase).order_by("pk").first()
    changed = {
        "resend": Notification.objects.filter(kind="setup_link").exists(),
        "revoke": not purchase.is_paid,
        "release": installation.released_at is not None
        and not installation.entitlement.installations.filter(released_at__isnull=True).exists(),
        "move": Installation.objects.filter(domain="moved.example", released_at__isnull=True).exists(),
    }[action]
    assert changed is (expected == OK)


@pytest.mark.parametrize("role, shown", [("editor", False), ("agent", True), ("superuser", True)])
def test_support_menu_shows_purchases_only_to_permitted_staff(client, users, role, shown):
    client.force_login(users[role])
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert (INDEX.encode() in response.content) is shown


def test_listing_shows_order_customer_status_products_and_unknown_flag(client, users, purchase):
    client.force_login(users["agent"])
    content = client.get(INDEX).content.decode()
    assert "test-shop #A-1001" in content
    assert "ann@example.com" in content
    assert "Paid" in content
    assert "Aurora theme" in content
    assert "1 unknown" in content
    assert ADD not in content  # agents may not add purchases


def test_listing_search_by_email_and_order_id(client, users, purchase):
    PurchaseFactory(external_id="B-2002", customer__email="bob@example.com")
    client.force_login(users["agent"])
    by_email = client.get(INDEX, {"q": "bob@"}).content.decode()
    assert "B-2002" in by_email and "A-1001" not in by_email
    by_order = client.get(INDEX, {"q": "A-1001"}).content.decode()
    assert "A-1001" in by_order and "B-2002" not in by_order


@pytest.mark.parametrize(
    "query, shown, hidden",
    [
        ({"source": "stripe"}, "B-2002", "A-1001"),
        ({"status": "refunded"}, "B-2002", "A-1001"),
        ({"unknown": "true"}, "A-1001", "B-2002"),
    ],
)
def test_listing_filters(client, users, purchase, query, shown, hidden):
    PurchaseFactory(external_id="B-2002", source="stripe", status="refunded")
    client.force_login(users["agent"])
    content = client.get(INDEX, query).content.decode()
    assert shown in content and hidden not in content


def test_listing_filters_by_product(client, users, purchase):
    other = EntitlementFactory(product__name="Booking plugin", purchase__external_id="C-3003")
    client.force_login(users["agent"])
    content = client.get(INDEX, {"product": other.product.pk}).content.decode()
    assert "C-3003" in content and "A-1001" not in content


def test_listing_query_count_does_not_grow_with_rows(client, users, django_assert_max_num_queries):
    client.force_login(users["agent"])
    for _ in range(5):
        EntitlementFactory()
    client.get(INDEX)  # warm caches
    with django_assert_max_num_queries(40) as few:
        assert client.get(INDEX).status_code == 200
    for _ in range(45):
        EntitlementFactory()
    assert Purchase.objects.count() == 50
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(INDEX)
    assert response.content.decode().count("test-shop #") == 50


def test_purchase_screen_shows_entitlements_installations_and_unknown_references(client, users, purchase):
    client.force_login(users["agent"])
    content = client.get(reverse("wagtail_support_purchases:inspect", args=[purchase.pk])).content.decode()
    for text in ["Aurora theme", "Installations allowed", "ann.example", "MYSTERY-1", "Mystery box"]:
        assert text in content
    # agents only look: no action forms
    assert "Resend set-up e-mail" not in content and "Revoke" not in content and "Release" not in content


def test_purchase_screen_offers_actions_to_a_superuser(client, users, purchase):
    client.force_login(users["superuser"])
    content = client.get(reverse("wagtail_support_purchases:inspect", args=[purchase.pk])).content.decode()
    for url in action_urls(purchase).values():
        assert f'action="{url}"' in content
    assert content.count("csrfmiddlewaretoken") >= 4


def test_resend_queues_a_set_password_link(client, users, purchase, django_capture_on_commit_callbacks):
    client.force_login(users["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_urls(purchase)["resend"], follow=True)
    assert "set-up e-mail is on its way to ann@example.com" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    assert "/account/set-password/" in mail.outbox[0].body


def test_revoke_ends_support_and_a_second_revoke_changes_nothing(client, users, purchase):
    client.force_login(users["superuser"])
    client.post(action_urls(purchase)["revoke"], {"status": "cancelled"})
    purchase.refresh_from_db()
    assert purchase.status == "cancelled"
    assert not purchase.entitlements.get().active
    response = client.post(action_urls(purchase)["revoke"], {"status": "refunded"}, follow=True)
    purchase.refresh_from_db()
    assert purchase.status == "cancelled"
    assert "already revoked" in response.content.decode()


def test_release_frees_the_slot(client, users, purchase):
    client.force_login(users["clerk"])
    client.post(action_urls(purchase)["release"])
    assert not Installation.objects.filter(entitlement__purchase=purchase, released_at__isnull=True).exists()


def test_move_registers_the_new_site_and_releases_the_old(client, users, purchase):
    client.force_login(users["clerk"])
    client.post(action_urls(purchase)["move"], {"site": "https://www.new-site.example.org/shop"})
    active = Installation.objects.filter(entitlement__purchase=purchase, released_at__isnull=True)
    assert list(active.values_list("domain", flat=True)) == ["example.org"]


def test_move_to_an_invalid_site_keeps_the_old_one_and_says_why(client, users, purchase):
    client.force_login(users["clerk"])
    response = client.post(action_urls(purchase)["move"], {"site": "127.0.0.1"}, follow=True)
    assert "not an IP address" in response.content.decode()
    active = Installation.objects.filter(entitlement__purchase=purchase, released_at__isnull=True)
    assert list(active.values_list("domain", flat=True)) == ["ann.example"]


def test_add_by_hand_records_the_purchase_and_queues_the_welcome_email(
    client, users, django_capture_on_commit_callbacks
):
    product = SupportedProductFactory(name="Aurora theme", references=["AURORA-THEME"])
    client.force_login(users["clerk"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ADD,
            {
                "email": "new.buyer@example.com",
                "name": "New Buyer",
                "product": product.pk,
                "quantity": 2,
                "purchased_at": "2030-01-15 10:00",
                "support_until": "2031-06-30",
            },
        )

    purchase = Purchase.objects.get(email="new.buyer@example.com")
    assert response.status_code == 302 and response["Location"].endswith(f"/inspect/{purchase.pk}/")
    assert purchase.source == "manual" and len(purchase.external_id) == 32
    entitlement = purchase.entitlements.get()
    assert (entitlement.product, entitlement.quantity, entitlement.installations_allowed) == (product, 2, 2)
    assert str(entitlement.support_until) == "2031-06-30"
    assert purchase.customer.email == "new.buyer@example.com"
    welcome = Notification.objects.get(kind="welcome")
    assert welcome.recipient == "new.buyer@example.com"
    assert [m.to for m in mail.outbox] == [["new.buyer@example.com"]]


def test_add_by_hand_shows_errors_and_records_nothing(client, users):
    client.force_login(users["clerk"])
    response = client.post(ADD, {"email": "not-an-address", "quantity": 0})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not Purchase.objects.exists()


@pytest.mark.parametrize("action", ["resend", "revoke", "release", "move"])
def test_actions_refuse_get_so_nothing_changes_on_get(client, users, purchase, action):
    client.force_login(users["superuser"])
    assert client.get(action_urls(purchase)[action]).status_code == 405
    purchase.refresh_from_db()
    assert purchase.is_paid
    assert Installation.objects.filter(domain="ann.example", released_at__isnull=True).exists()
    assert not Notification.objects.exists()


def test_get_on_the_add_form_records_nothing(client, users):
    client.force_login(users["superuser"])
    assert client.get(ADD, {"email": "x@example.com"}).status_code == 200
    assert not Purchase.objects.exists()


@pytest.mark.parametrize("action", ["resend", "revoke", "release", "move"])
def test_actions_are_protected_by_csrf(users, purchase, action):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["superuser"])
    assert client.post(action_urls(purchase)[action], {"site": "moved.example"}).status_code == 403
    purchase.refresh_from_db()
    assert purchase.is_paid


@pytest.mark.parametrize("path", ["edit/{pk}/", "delete/{pk}/", "copy/{pk}/"])
def test_nobody_edits_or_deletes_purchases_by_hand(client, users, purchase, path):
    client.force_login(users["superuser"])
    assert client.get(INDEX + path.format(pk=purchase.pk)).status_code == 404
