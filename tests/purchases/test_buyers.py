"""``accounts.customers_for``: the one way a buyer is found or made, for a webhook and for the import."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from tests.factories import UserFactory
from wagtail_support.purchases import accounts

pytestmark = pytest.mark.django_db


def test_the_buyer_is_the_oldest_active_user_with_the_email_in_any_case():
    UserFactory(username="gone", email="ann@example.com", is_active=False)
    first = UserFactory(username="ann", email="Ann@Example.com")
    UserFactory(username="ann2", email="ANN@example.com")
    user, created = accounts.customer_for("  ann@EXAMPLE.com ", "Ann Archer")
    assert (user.pk, created) == (first.pk, False)
    assert user.get_username() == "ann"


def test_without_an_email_match_the_holder_of_the_username_is_the_buyer():
    holder = UserFactory(username="ann@example.com", email="", is_active=False)
    user, created = accounts.customer_for("Ann@Example.com")
    assert (user.pk, created) == (holder.pk, False)


def test_a_new_buyer_gets_a_user_named_after_their_email_without_a_usable_password():
    UserFactory(username="old", email="ann@example.com", is_active=False)
    user, created = accounts.customer_for("Ann@Example.com", "Ann Marie Archer")
    user.refresh_from_db()
    assert created
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "ann@example.com",
        "Ann@Example.com",
        "Ann",
        "Marie Archer",
    )
    assert not user.has_usable_password()


def test_many_buyers_are_found_and_made_as_one_buyer_is():
    ann = UserFactory(username="ann", email="Ann@Example.com")
    holder = UserFactory(username="bob@example.com", email="", is_active=False)
    buyers = [("ann@example.com", "Ann"), ("Bob@Example.com", "Bob"), ("cy@example.com", "Cy Young")]

    found = accounts.customers_for(buyers, bulk=True)

    assert {key: (user.pk, created) for key, (user, created) in found.items() if not created} == {
        "ann@example.com": (ann.pk, False),
        "bob@example.com": (holder.pk, False),
    }
    cy, created = found["cy@example.com"]
    assert created and cy.pk and get_user_model().objects.get(pk=cy.pk).last_name == "Young"
    assert accounts.customer_for("CY@example.com") == (cy, False)


@pytest.mark.postgresql
def test_the_buyer_lookup_uses_the_email_index_on_postgresql():
    User = get_user_model()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test database is too small to need an index
        one = User.objects.filter(email__iexact="a@example.com", is_active=True).explain()
    assert "wsupport_user_email_upper" in one
