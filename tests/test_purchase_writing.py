"""``writing.insert_purchase``: a purchase's rows in one statement on PostgreSQL, as the ORM writes them."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction

from tests.factories import SupportedProductFactory, UserFactory
from tests.purchase_rows import purchase_rows
from wagtail_support.notifications.models import Notification
from wagtail_support.notifications.render import render_email
from wagtail_support.purchases import accounts, writing
from wagtail_support.purchases.models import CustomerAccount, Entitlement, Purchase

pytestmark = pytest.mark.django_db

# Fields that differ between two purchases on purpose, or by when and under which id they were written.
UNEQUAL = {
    "id",
    "external_id",
    "purchase",
    "customer",
    "user",
    "created_at",
    "dedupe_key",
    "next_attempt_at",
    "context",
}


@pytest.fixture
def theme():
    return SupportedProductFactory(name="Aurora theme", references=["AURORA"], installations_per_unit=1)


def new_rows(external_id, user, theme, lines=1):
    """Unsaved rows of a purchase, as ``record_purchase`` builds them."""
    purchase = Purchase(
        source="shop",
        external_id=external_id,
        email=user.email,
        name="Ann Archer",
        customer=user,
        purchased_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
        raw_payload={"lines": [{"sku": "AURORA", "qty": 2}]},
        unknown_references=[{"product_ref": "OLD", "title": "Old theme", "quantity": 1}],
    )
    entitlements = [
        Entitlement(
            purchase=purchase,
            customer=user,
            product=theme,
            quantity=2 + line,
            support_until=date(2027, 3, 1 + line),
            installations_allowed=2,
        )
        for line in range(lines)
    ]
    return (
        purchase,
        entitlements,
        accounts.support_account(user, True),
        accounts.purchase_email(purchase, True),
    )


def all_rows(rows):
    purchase, entitlements, account, notification = rows
    return [purchase, *entitlements, account, notification]


def values(instance):
    if isinstance(instance, CustomerAccount):  # written without returning its id
        instance = CustomerAccount.objects.get(user=instance.user)
    instance.refresh_from_db()
    return {
        field.name: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.name not in UNEQUAL
    }


@pytest.mark.parametrize("lines", [1, 2, 3])
def test_the_rows_written_together_are_the_rows_the_orm_writes(
    theme, lines, django_capture_on_commit_callbacks
):
    ann, other_ann = UserFactory(email="ann@example.com"), UserFactory(email="ann@example.com")
    # The second purchase of a shape reuses the statement compiled for the first: both must be right.
    writing.insert_purchase(*new_rows("0", UserFactory(), theme, lines))
    together = new_rows("1", ann, theme, lines)
    one_by_one = new_rows("2", other_ann, theme, lines)

    with django_capture_on_commit_callbacks() as dispatched:
        writing.insert_purchase(*together)
    purchase, entitlements, account, notification = one_by_one
    purchase.save()
    Entitlement.objects.bulk_create(entitlements)
    account.save()
    notification.save()

    for a, b in zip(all_rows(together), all_rows(one_by_one), strict=True):
        assert values(a) == values(b), type(a).__name__
    assert together[0].pk and together[3].pk  # the ids the statement returned
    assert all(entitlement.pk and entitlement.purchase == together[0] for entitlement in together[1])
    assert together[0].created_at and together[2].created_at
    assert Notification.objects.get(pk=together[3].pk).context == {
        "user_id": ann.pk,
        "order": {"source": "shop", "external_id": "1"},
        "name": "Ann Archer",
    }
    assert len(dispatched) == 1  # the e-mail goes to Celery after COMMIT


def test_an_order_already_recorded_raises_and_writes_nothing_else(theme):
    ann, bob = UserFactory(email="ann@example.com"), UserFactory(email="bob@example.com")
    writing.insert_purchase(*new_rows("1", ann, theme))
    before = purchase_rows()

    with pytest.raises(IntegrityError), transaction.atomic():
        writing.insert_purchase(*new_rows("1", bob, theme))

    assert purchase_rows() == before
    assert not CustomerAccount.objects.filter(user=bob).exists()


def test_an_email_already_in_the_outbox_is_not_queued_again(theme, django_capture_on_commit_callbacks):
    ann = UserFactory(email="ann@example.com")
    rows = new_rows("1", ann, theme)
    Notification.objects.create(kind="welcome", recipient=ann.email, dedupe_key=rows[3].dedupe_key)

    with django_capture_on_commit_callbacks() as dispatched:
        writing.insert_purchase(*rows)

    assert rows[0].pk and rows[3].pk is None
    assert Notification.objects.count() == 1
    assert not dispatched


def test_a_buyer_with_a_support_account_keeps_it(theme):
    ann = UserFactory(email="ann@example.com")
    account = CustomerAccount.objects.create(user=ann, setup_pending=False)
    purchase, entitlements, _, notification = new_rows("1", ann, theme)

    writing.insert_purchase(purchase, entitlements, accounts.support_account(ann, True), notification)

    assert list(CustomerAccount.objects.values_list("pk", "setup_pending")) == [(account.pk, False)]


def test_an_order_of_unknown_products_only_is_written_without_entitlements(theme):
    ann = UserFactory(email="ann@example.com")
    purchase, _, account, notification = new_rows("1", ann, theme)

    writing.insert_purchase(purchase, [], account, notification)

    assert Purchase.objects.get().unknown_references[0]["product_ref"] == "OLD"
    assert not Entitlement.objects.exists()


def test_an_email_queued_with_the_purchase_id_still_lists_its_products(theme):
    ann = UserFactory(email="ann@example.com")
    purchase, entitlements, account, _ = new_rows("1", ann, theme)
    writing.insert_purchase(purchase, entitlements, account, accounts.purchase_email(purchase, True))
    # Rows queued by earlier builds named the purchase by id.
    legacy = Notification.objects.create(
        kind="purchase_added",
        recipient=ann.email,
        context={"user_id": ann.pk, "purchase_id": purchase.pk, "name": "Ann"},
        dedupe_key="legacy",
    )

    assert "Aurora theme" in render_email(legacy).body


def test_the_buyer_is_the_oldest_active_user_with_the_email_in_any_case():
    UserFactory(username="gone", email="ann@example.com", is_active=False)
    first = UserFactory(username="ann", email="Ann@Example.com")
    UserFactory(username="ann2", email="ANN@example.com")
    user, created = accounts.customer_for("  ann@EXAMPLE.com ", "Ann Archer")
    assert (user.pk, created) == (first.pk, False)
    assert user.get_username() == "ann"  # a found user's other fields load when first read


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


@pytest.mark.postgresql
def test_the_buyer_lookup_uses_the_email_index_on_postgresql():
    User = get_user_model()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test database is too small to need an index
        cursor.execute("EXPLAIN " + accounts._candidates_sql(User, "default"), ["a@example.com", "a"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "wsupport_user_email_upper" in plan
