"""The django-oscar adapter, on stand-in signals with Oscar's contract (django-oscar is not installed in
the test environment): ``order_placed(sender, order, user)`` and
``order_status_changed(sender, order, old_status, new_status)``."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.dispatch import Signal

from tests.factories import SupportedProductFactory, UserFactory
from wagtail_support.purchases.adapters import oscar
from wagtail_support.purchases.models import Purchase, PurchaseStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def signals():
    placed, status_changed = Signal(), Signal()
    oscar.connect(order_placed=placed, order_status_changed=status_changed)
    return SimpleNamespace(placed=placed, status_changed=status_changed)


@pytest.fixture(autouse=True)
def products():
    SupportedProductFactory(name="Aurora", references=["AUR-1"])
    SupportedProductFactory(name="Nebula", references=["9780000000001"])


class Lines(list):
    def all(self):
        return self


class Order(SimpleNamespace):
    """Shaped like ``oscar.apps.order.models.Order``; hashable, as Oscar sends the order as sender."""

    __hash__ = object.__hash__


def make_order(number="100042", user=None, guest_email="", lines=None):
    product = SimpleNamespace(upc="9780000000001")
    return Order(
        number=number,
        user=user,
        email=user.email if user else guest_email,
        date_placed=datetime(2025, 5, 1, 10, tzinfo=UTC),
        billing_address=SimpleNamespace(name="Guest Buyer"),
        lines=Lines(
            lines
            or [
                SimpleNamespace(partner_sku="AUR-1", upc="", product=None, title="Aurora", quantity=2),
                SimpleNamespace(partner_sku="", upc="", product=product, title="Nebula", quantity=1),
            ]
        ),
    )


class OrderCreator:
    """Oscar's sender class name, for realism; receivers must not depend on it."""


def test_a_placed_order_becomes_a_purchase(signals):
    user = UserFactory(email="ann@example.com", first_name="Ann", last_name="Smith")
    signals.placed.send(sender=OrderCreator, order=make_order(user=user), user=user)
    purchase = Purchase.objects.get()
    assert (purchase.source, purchase.external_id, purchase.customer) == ("oscar", "100042", user)
    assert purchase.name == "Ann Smith"
    assert purchase.purchased_at == datetime(2025, 5, 1, 10, tzinfo=UTC)
    assert {e.product.name: e.quantity for e in purchase.entitlements.all()} == {"Aurora": 2, "Nebula": 1}


def test_a_guest_order_uses_the_order_email_and_the_billing_name(signals):
    signals.placed.send(sender=OrderCreator, order=make_order(guest_email="guest@example.com"), user=None)
    purchase = Purchase.objects.get()
    assert (purchase.email, purchase.name) == ("guest@example.com", "Guest Buyer")
    assert purchase.customer.email == "guest@example.com"


def test_placing_the_same_order_twice_records_it_once(signals):
    order = make_order(guest_email="guest@example.com")
    signals.placed.send(sender=OrderCreator, order=order, user=None)
    signals.placed.send(sender=OrderCreator, order=order, user=None)
    assert Purchase.objects.count() == 1


@pytest.mark.parametrize(
    ("new_status", "expected"),
    [("Cancelled", PurchaseStatus.CANCELLED), ("Refunded", PurchaseStatus.REFUNDED)],
)
def test_a_revoking_status_revokes_the_purchase(signals, new_status, expected):
    order = make_order(guest_email="guest@example.com")
    signals.placed.send(sender=OrderCreator, order=order, user=None)
    signals.status_changed.send(sender=order, order=order, old_status="Pending", new_status=new_status)
    purchase = Purchase.objects.get()
    assert purchase.status == expected
    assert not purchase.entitlements.filter(active=True).exists()


def test_other_statuses_change_nothing(signals):
    order = make_order(guest_email="guest@example.com")
    signals.placed.send(sender=OrderCreator, order=order, user=None)
    signals.status_changed.send(sender=order, order=order, old_status="Pending", new_status="Being processed")
    assert Purchase.objects.get().status == PurchaseStatus.PAID


def test_the_revoking_statuses_are_a_setting(signals, settings):
    settings.WAGTAIL_SUPPORT = {"OSCAR_REVOKED_STATUSES": ["Chargeback"]}
    order = make_order(guest_email="guest@example.com")
    signals.placed.send(sender=OrderCreator, order=order, user=None)
    signals.status_changed.send(sender=order, order=order, old_status="Pending", new_status="Cancelled")
    assert Purchase.objects.get().is_paid
    signals.status_changed.send(sender=order, order=order, old_status="Pending", new_status="Chargeback")
    assert Purchase.objects.get().status == PurchaseStatus.CANCELLED


def test_an_order_without_product_references_is_logged_and_never_breaks_the_checkout(signals, caplog):
    line = SimpleNamespace(partner_sku="", upc="", product=None, title="Gift card", quantity=1)
    order = make_order(guest_email="guest@example.com", lines=[line])
    signals.placed.send(sender=OrderCreator, order=order, user=None)  # does not raise
    assert Purchase.objects.count() == 0
    assert "100042" in caplog.text


def test_connecting_twice_records_once(signals):
    oscar.connect(order_placed=signals.placed, order_status_changed=signals.status_changed)
    signals.placed.send(sender=OrderCreator, order=make_order(guest_email="g@example.com"), user=None)
    assert Purchase.objects.count() == 1
