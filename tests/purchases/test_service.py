"""``record_purchase`` / ``revoke_purchase``: one order, however often and concurrently it arrives."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.db import connections, transaction
from django.utils import timezone

from tests.factories import SupportedProductFactory
from wagtail_support.notifications.models import Notification
from wagtail_support.purchases import catalogue
from wagtail_support.purchases.models import (
    CustomerAccount,
    Entitlement,
    ProductReference,
    Purchase,
    PurchaseStatus,
    SupportedProduct,
)
from wagtail_support.purchases.payload import PayloadError, PurchaseData, PurchaseLine
from wagtail_support.purchases.services import record_purchase, revoke_purchase
from wagtail_support.signals import purchase_completed, purchase_revoked

User = get_user_model()


def order(external_id="1001", email="Ann@Example.com", lines=(("AURORA", 1),), **kwargs):
    return PurchaseData(
        source=kwargs.pop("source", "shop"),
        external_id=external_id,
        email=email,
        name=kwargs.pop("name", "Ann Archer"),
        purchased_at=kwargs.pop("purchased_at", timezone.make_aware(datetime(2026, 3, 1, 12))),
        lines=tuple(PurchaseLine(ref, f"Product {ref}", qty) for ref, qty in lines),
        **kwargs,
    )


@pytest.fixture
def theme(db):
    return SupportedProductFactory(name="Aurora theme", references=["AURORA"], installations_per_unit=1)


@pytest.fixture
def hosting(db):
    return SupportedProductFactory(
        name="Business hosting", kind="hosting", references=["HOST-BIZ"], bundled_theme_claims=1
    )


@pytest.mark.django_db(transaction=True)
def test_new_buyer_gets_an_account_an_entitlement_and_one_welcome_email(theme):
    purchase = record_purchase(order(lines=(("AURORA", 2),)))
    user = User.objects.get()
    assert (user.email, user.first_name, user.last_name) == ("Ann@Example.com", "Ann", "Archer")
    assert not user.has_usable_password()
    assert CustomerAccount.objects.get(user=user).setup_pending
    [entitlement] = purchase.entitlements.all()
    assert entitlement.customer == user
    assert entitlement.support_until == date(2027, 3, 1)  # purchased at + 365 days
    assert entitlement.installations_allowed == 2  # per unit x quantity
    [email] = mail.outbox
    assert email.to == ["Ann@Example.com"]
    assert "/support-center/account/set-password/" in email.body
    assert "password:" not in email.body.lower()


@pytest.mark.django_db(transaction=True)
def test_existing_buyer_matched_by_email_in_any_case_gets_purchase_added(theme):
    existing = User.objects.create_user("ann", "ann@example.com", "a-good-password")
    purchase = record_purchase(order(email="ANN@example.COM"))
    assert purchase.customer == existing
    assert User.objects.count() == 1
    assert existing.has_usable_password()
    [email] = mail.outbox
    assert email.subject.endswith("Your purchase was added to your support account")
    assert "set-password" not in email.body


@pytest.mark.django_db(transaction=True)
def test_same_order_delivered_again_changes_nothing(theme):
    first = record_purchase(order())
    for _ in range(3):
        again = record_purchase(order(name="Someone Else"))
        assert again.pk == first.pk
    assert (Purchase.objects.count(), User.objects.count(), Entitlement.objects.count()) == (1, 1, 1)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_unknown_product_references_are_kept_for_staff_not_fatal(theme):
    purchase = record_purchase(order(lines=(("AURORA", 1), ("MYSTERY-9", 3))))
    assert purchase.unknown_references == [
        {"product_ref": "MYSTERY-9", "title": "Product MYSTERY-9", "quantity": 3}
    ]
    assert purchase.entitlements.count() == 1


@pytest.mark.django_db
def test_support_end_date_stated_by_the_shop_wins(theme):
    data = order()
    data = PurchaseData(**{**data.__dict__, "lines": (PurchaseLine("AURORA", "", 1, date(2030, 1, 1)),)})
    assert record_purchase(data).entitlements.get().support_until == date(2030, 1, 1)


@pytest.mark.django_db
def test_product_without_support_grants_no_support_period():
    SupportedProductFactory(references=["FREEBIE"], support_period_days=0)
    entitlement = record_purchase(order(lines=(("FREEBIE", 1),))).entitlements.get()
    assert entitlement.support_until is None
    assert not entitlement.has_support()


@pytest.mark.django_db
def test_hosting_plan_grants_bundled_theme_claims(hosting):
    entitlement = record_purchase(order(lines=(("HOST-BIZ", 2),))).entitlements.get()
    assert entitlement.bundled_claims_allowed == 2


@pytest.mark.django_db
def test_refund_revokes_the_entitlements_and_claims_made_with_them(hosting, theme):
    from wagtail_support.purchases.installations import claim_bundled_theme

    purchase = record_purchase(order(lines=(("HOST-BIZ", 1),)))
    plan = purchase.entitlements.get()
    claimed = claim_bundled_theme(plan, theme)
    assert claimed.has_support()
    revoke_purchase(order(lines=(("HOST-BIZ", 1),), status="refunded"))
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.REFUNDED and purchase.revoked_at
    plan.refresh_from_db()
    claimed.refresh_from_db()
    assert not plan.has_support() and not claimed.has_support()


@pytest.mark.django_db
def test_refund_arriving_before_the_order_wins(theme):
    revoke_purchase(order(status="cancelled"))
    purchase = record_purchase(order())
    assert purchase.status == PurchaseStatus.CANCELLED
    assert purchase.entitlements.count() == 0


@pytest.mark.django_db
def test_paid_status_through_revoke_and_refund_through_record_do_the_right_thing(theme):
    record_purchase(order())
    record_purchase(order(status="refunded"))
    assert Purchase.objects.get().status == PurchaseStatus.REFUNDED
    assert not Entitlement.objects.get().active


@pytest.mark.django_db
def test_signals_reach_the_service(theme):
    purchase_completed.send(sender="tests", purchase=order())
    assert Purchase.objects.get().is_paid
    purchase_revoked.send(sender="tests", purchase=order(status="refunded"))
    assert Purchase.objects.get().status == PurchaseStatus.REFUNDED


@pytest.mark.django_db
def test_a_repeated_delivery_inside_the_callers_transaction_leaves_it_usable(theme):
    with transaction.atomic():
        first = record_purchase(order())
        assert record_purchase(order(name="Someone Else")).pk == first.pk
        assert (Purchase.objects.count(), User.objects.count(), Notification.objects.count()) == (1, 1, 1)


@pytest.mark.django_db
def test_a_buyer_known_before_without_a_support_account_gets_one(theme):
    existing = User.objects.create_user("ann", "ann@example.com")
    assert record_purchase(order(email="ann@example.com")).customer == existing
    assert not CustomerAccount.objects.get(user=existing).setup_pending


@pytest.mark.django_db
def test_recording_a_purchase_takes_a_handful_of_queries(theme, django_assert_num_queries):
    record_purchase(order("1"))  # the product is looked up once, then remembered
    # Savepoint and release of record_purchase's own block (nested in the test's transaction); a new
    # buyer looked up by e-mail and username in one query and inserted; purchase, entitlement and account
    # inserted; the e-mail inserted in its savepoint (its dedupe key). Through the ORM, on every database.
    with django_assert_num_queries(10):
        record_purchase(order("2", email="new@example.com", lines=(("AURORA", 1),)))
    # A returning buyer: found at once, their language and support account read instead.
    with django_assert_num_queries(10):
        record_purchase(order("3", email="new@example.com", lines=(("AURORA", 1),)))


@pytest.mark.django_db
def test_a_product_edited_after_a_purchase_applies_to_the_next_one(theme):
    record_purchase(order("1"))
    theme.support_period_days = 30
    theme.save()
    assert record_purchase(order("2")).entitlements.get().support_until == date(2026, 3, 31)


@pytest.mark.django_db
def test_a_reference_added_moved_or_removed_counts_at_once(theme):
    assert record_purchase(order("1", lines=(("NEBULA", 1),))).unknown_references
    nebula = SupportedProductFactory(name="Nebula theme", references=["NEBULA"])
    assert record_purchase(order("2", lines=(("NEBULA", 1),))).entitlements.get().product == nebula
    reference = ProductReference.objects.get(reference="NEBULA")
    reference.product = theme
    reference.save()
    assert record_purchase(order("3", lines=(("NEBULA", 1),))).entitlements.get().product == theme
    ProductReference.objects.get(reference="NEBULA").delete()
    assert record_purchase(order("4", lines=(("NEBULA", 1),))).unknown_references


@pytest.mark.django_db
def test_a_product_edited_in_another_process_reaches_this_one_through_the_cache(theme):
    record_purchase(order("1"))
    SupportedProduct.objects.filter(pk=theme.pk).update(support_period_days=30)  # no signal here
    assert record_purchase(order("2")).entitlements.get().support_until == date(2027, 3, 1)  # remembered
    cache.set(catalogue.VERSION_KEY, "saved-elsewhere")  # the other process's save changes the version
    assert record_purchase(order("3")).entitlements.get().support_until == date(2026, 3, 31)


@pytest.mark.django_db
def test_purchases_are_recorded_while_the_cache_is_down(theme, settings):
    dead = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    settings.CACHES = {"default": dead}
    assert record_purchase(order()).entitlements.get().product == theme


@pytest.mark.parametrize(
    "payload, message",
    [
        ([], "must be a JSON object"),
        (
            {"external_id": "1", "email": "a@example.com", "lines": [{"product_ref": "X"}]},
            "'source' is required",
        ),
        (
            {"source": "s", "email": "a@example.com", "lines": [{"product_ref": "X"}]},
            "'external_id' is required",
        ),
        (
            {"source": "s", "external_id": "1", "email": "nope", "lines": [{"product_ref": "X"}]},
            "not a valid e-mail",
        ),
        ({"source": "s", "external_id": "1", "email": "a@example.com", "lines": []}, "non-empty list"),
        (
            {
                "source": "s",
                "external_id": "1",
                "email": "a@example.com",
                "lines": [{"product_ref": "X", "quantity": 0}],
            },
            "whole number from 1 to 1000",
        ),
        (
            {
                "source": "s",
                "external_id": "1",
                "email": "a@example.com",
                "lines": [{"product_ref": "X"}],
                "status": "x",
            },
            "'status' must be one of",
        ),
        (
            {
                "source": "s",
                "external_id": "1",
                "email": "a@example.com",
                "lines": [{"product_ref": "X"}],
                "purchased_at": "yesterday",
            },
            "not an ISO 8601",
        ),
    ],
)
def test_payload_errors_say_what_is_wrong(payload, message):
    with pytest.raises(PayloadError, match=message):
        PurchaseData.from_dict(payload)


@pytest.mark.parametrize("field", ["purchased_at", "support_until"])
def test_impossible_dates_are_payload_errors(field):
    line = {"product_ref": "X"}
    payload = {"source": "s", "external_id": "1", "email": "a@example.com", "lines": [line]}
    (line if field == "support_until" else payload)[field] = "2025-02-30"
    with pytest.raises(PayloadError, match=field):
        PurchaseData.from_dict(payload)


def test_payload_from_dict_normalises_a_valid_order():
    data = PurchaseData.from_dict(
        {
            "source": "partner:hostco",
            "external_id": 1042,
            "email": " ann@example.com ",
            "purchased_at": "2026-03-01T12:00:00Z",
            "lines": [{"product_ref": "HOST-BIZ", "title": "Business hosting", "quantity": 2}],
        }
    )
    assert data.external_id == "1042" and data.email == "ann@example.com"
    assert data.purchased_at == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert data.lines == (PurchaseLine("HOST-BIZ", "Business hosting", 2),)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_same_order_delivered_ten_times_at_once_gives_one_of_everything(theme):
    barrier = threading.Barrier(10)
    errors = []

    def deliver():
        try:
            barrier.wait(timeout=10)
            record_purchase(order())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert (Purchase.objects.count(), User.objects.count(), Entitlement.objects.count()) == (1, 1, 1)
    assert Notification.objects.filter(kind="welcome").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_orders_of_one_new_buyer_at_once_give_one_account(theme):
    barrier = threading.Barrier(2)

    def deliver(external_id):
        barrier.wait(timeout=10)
        record_purchase(order(external_id=external_id))
        connections.close_all()

    threads = [threading.Thread(target=deliver, args=(n,)) for n in ("A-1", "A-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert Purchase.objects.count() == 2
    assert User.objects.count() == 1
    assert set(Purchase.objects.values_list("customer", flat=True)) == {User.objects.get().pk}


def test_purchase_data_json_is_serialisable():
    import json

    data = order(lines=(("AURORA", 1),))
    assert json.loads(json.dumps(data.as_json()))["lines"][0]["product_ref"] == "AURORA"
    assert timedelta(0) < timezone.now() - data.purchased_at


def test_purchase_data_json_holds_every_field_but_the_raw_copy():
    from dataclasses import fields

    data = order(lines=(("AURORA", 1),))
    json_data = data.as_json()
    assert set(json_data) == {f.name for f in fields(PurchaseData)} - {"raw"}
    assert set(json_data["lines"][0]) == {f.name for f in fields(PurchaseLine)}
