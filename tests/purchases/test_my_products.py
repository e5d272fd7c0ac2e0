"""My products: support dates, registering sites within the limit, and the free theme of a hosting plan."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Site

from tests.factories import EntitlementFactory, InstallationFactory, SupportedProductFactory, UserFactory
from wagtail_support.models import Entitlement, Installation
from wagtail_support.tickets.pages import SupportPage

pytestmark = pytest.mark.django_db

PRODUCTS = "/support/products/"


@pytest.fixture(autouse=True)
def support_page():
    root = Site.objects.get(is_default_site=True).root_page
    page = root.add_child(instance=SupportPage(title="Support", slug="support"))
    page.save_revision().publish()
    return page


@pytest.fixture
def customer(client):
    user = UserFactory(username="ann", email="ann@example.com")
    client.force_login(user)
    return user


@pytest.fixture
def theme():
    return SupportedProductFactory(name="Aurora theme", kind="theme", installations_per_unit=1)


def entitlement_for(customer, **kwargs):
    return EntitlementFactory(purchase__customer=customer, **kwargs)


def add_site(client, entitlement, site):
    return client.post(f"{PRODUCTS}{entitlement.pk}/installations/", {"site": site})


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(PRODUCTS)
    assert response.status_code == 302 and response["Location"].startswith("/support-center/account/login/")


def test_supported_product_shows_its_date_and_the_policy_rule(client, customer, theme):
    entitlement_for(customer, product=theme)
    content = client.get(PRODUCTS).content.decode()
    assert "Aurora theme" in content and "Supported" in content
    assert "Support covers 1 installation per theme purchase." in content
    assert "Register this site" in content


def test_expired_support_shows_as_expired_and_cannot_register_a_site(client, customer, theme):
    entitlement = entitlement_for(
        customer, product=theme, support_until=timezone.localdate() - timedelta(days=1)
    )

    content = client.get(PRODUCTS).content.decode()
    assert "Expired" in content and "Register this site" not in content

    response = add_site(client, entitlement, "ann.example")
    assert response.status_code == 400
    assert "Support for this product has ended" in response.content.decode()
    assert not Installation.objects.exists()


def test_revoked_purchase_shows_as_revoked_and_cannot_register_a_site(client, customer, theme):
    entitlement = entitlement_for(customer, product=theme, active=False, revoked_at=timezone.now())

    content = client.get(PRODUCTS).content.decode()
    assert "Revoked" in content and "Register this site" not in content

    response = add_site(client, entitlement, "ann.example")
    assert response.status_code == 400
    assert "Support for this product has ended" in response.content.decode()
    assert not Installation.objects.exists()


def test_registering_a_site_normalises_it_to_the_registrable_domain(client, customer, theme):
    entitlement = entitlement_for(customer, product=theme)
    response = add_site(client, entitlement, "https://www.Ann.example.co.uk/shop")
    assert response.status_code == 302 and response["Location"] == PRODUCTS
    assert list(entitlement.installations.values_list("domain", flat=True)) == ["example.co.uk"]


def test_installation_limit_is_enforced_with_the_policy_message(client, customer, theme):
    entitlement = entitlement_for(customer, product=theme)
    assert add_site(client, entitlement, "ann.example").status_code == 302

    response = add_site(client, entitlement, "second.example")

    assert response.status_code == 400
    content = response.content.decode()
    assert "This purchase already covers ann.example." in content
    assert "Support covers 1 installation per theme purchase." in content
    assert list(entitlement.installations.values_list("domain", flat=True)) == ["ann.example"]


def test_registering_the_same_domain_twice_is_fine(client, customer, theme):
    entitlement = entitlement_for(customer, product=theme)
    assert add_site(client, entitlement, "ann.example").status_code == 302
    assert add_site(client, entitlement, "https://www.ann.example/").status_code == 302
    assert entitlement.installations.count() == 1


def test_an_invalid_site_gets_a_clear_error(client, customer, theme):
    entitlement = entitlement_for(customer, product=theme)
    response = add_site(client, entitlement, "192.168.1.10")
    assert response.status_code == 400
    assert "not an IP address" in response.content.decode()


def test_another_customers_entitlement_is_not_found(client, customer, theme):
    other = EntitlementFactory(product=theme)
    hosting = SupportedProductFactory(kind="hosting", bundled_theme_claims=1)
    other_plan = EntitlementFactory(product=hosting)

    assert add_site(client, other, "ann.example").status_code == 404
    assert client.post(f"{PRODUCTS}{other_plan.pk}/claim/", {"theme": theme.pk}).status_code == 404
    assert not Installation.objects.exists()
    assert Entitlement.objects.count() == 2
    assert other.product.name not in client.get(PRODUCTS).content.decode().replace("Aurora theme", "")


@pytest.mark.parametrize("route", ["installations", "claim"])
def test_get_on_post_routes_is_not_allowed(client, customer, theme, route):
    entitlement = entitlement_for(customer, product=theme)
    assert client.get(f"{PRODUCTS}{entitlement.pk}/{route}/", {"site": "ann.example"}).status_code == 405
    assert not Installation.objects.exists()


def test_the_bundled_theme_claim_works_once(client, customer, theme):
    hosting = SupportedProductFactory(name="Business hosting", kind="hosting", bundled_theme_claims=1)
    plan = entitlement_for(customer, product=hosting)
    content = client.get(PRODUCTS).content.decode()
    assert "Your free premium theme" in content

    first = client.post(f"{PRODUCTS}{plan.pk}/claim/", {"theme": theme.pk})
    assert first.status_code == 302
    claim = Entitlement.objects.get(granted_by=plan)
    assert (claim.customer, claim.product, claim.active) == (customer, theme, True)
    content = client.get(PRODUCTS).content.decode()
    assert "Included with Business hosting" in content and "Claim this theme" not in content

    second = client.post(f"{PRODUCTS}{plan.pk}/claim/", {"theme": theme.pk})
    assert second.status_code == 400
    assert "already been claimed" in second.content.decode()
    assert Entitlement.objects.filter(granted_by=plan).count() == 1


def test_a_claimed_theme_stops_with_its_plan(client, customer, theme):
    from wagtail_support.purchases import services

    hosting = SupportedProductFactory(kind="hosting", bundled_theme_claims=1)
    plan = entitlement_for(customer, product=hosting)
    client.post(f"{PRODUCTS}{plan.pk}/claim/", {"theme": theme.pk})

    services.revoke(plan.purchase)

    assert not Entitlement.objects.get(granted_by=plan).active
    assert client.get(PRODUCTS).content.decode().count("Revoked") == 2


def test_my_products_runs_a_constant_number_of_queries(client, customer, django_assert_max_num_queries):
    hosting = SupportedProductFactory(kind="hosting", bundled_theme_claims=1)

    def add_entitlements(count):
        for index in range(count):
            entitlement = entitlement_for(
                customer, product=hosting if index % 2 else SupportedProductFactory()
            )
            InstallationFactory(entitlement=entitlement)

    add_entitlements(2)
    client.get(PRODUCTS)  # warm caches
    with django_assert_max_num_queries(40) as few:
        assert client.get(PRODUCTS).status_code == 200
    add_entitlements(18)
    assert Entitlement.objects.filter(customer=customer).count() == 20
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(PRODUCTS)
    assert response.content.decode().count("Supported</span>") == 20
