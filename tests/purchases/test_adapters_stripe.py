"""The Stripe webhook: the signature is checked before the body is read; paid Checkout Sessions become
purchases, full refunds revoke them, other events are acknowledged and ignored."""

import json
import time

import pytest
from django.test import Client

from tests.factories import SupportedProductFactory, UserFactory
from tests.purchase_rows import purchase_rows
from wagtail_support.purchases.adapters.signing import sign
from wagtail_support.purchases.models import Entitlement, Purchase, PurchaseStatus

pytestmark = pytest.mark.django_db

URL = "/support-center/webhooks/stripe/"
SECRET = "whsec_test_0123456789"


@pytest.fixture(autouse=True)
def stripe_settings(settings):
    settings.WAGTAIL_SUPPORT = {"STRIPE_WEBHOOK_SECRET": SECRET, "WEBHOOK_MAX_BODY_BYTES": 8192}


@pytest.fixture(autouse=True)
def products():
    return (
        SupportedProductFactory(name="Aurora", references=["aurora-theme"]),
        SupportedProductFactory(name="Hosting", kind="hosting", references=["prod_Hosting"]),
    )


def session(**overrides):
    return {
        "id": "cs_test_a1",
        "object": "checkout.session",
        "created": 1746093600,
        "customer_details": {"email": "ann@example.com", "name": "Ann Smith"},
        "payment_intent": "pi_123",
        "payment_status": "paid",
        "metadata": {"support_products": "aurora-theme:1"},
        **overrides,
    }


def event(obj, event_type="checkout.session.completed"):
    return {"id": "evt_1", "object": "event", "type": event_type, "data": {"object": obj}}


def charge(**overrides):
    return {"id": "ch_1", "object": "charge", "payment_intent": "pi_123", "refunded": True, **overrides}


def post(payload=None, *, body=None, secret=SECRET, age=0, signature=None, **extra):
    body = body if body is not None else json.dumps(payload or event(session())).encode()
    headers = {"content_type": "application/json"}
    if signature is not False:
        headers["HTTP_STRIPE_SIGNATURE"] = signature or sign(body, secret, time.time() - age)
    headers.update(extra)
    return Client().post(URL, data=body, **headers)


def test_a_paid_checkout_session_becomes_a_purchase():
    response = post()
    assert response.status_code == 200
    purchase = Purchase.objects.get()
    assert response.json() == {"purchase": purchase.pk, "created": True, "status": "paid"}
    assert (purchase.source, purchase.external_id, purchase.name) == ("stripe", "cs_test_a1", "Ann Smith")
    assert purchase.customer.email == "ann@example.com"
    assert purchase.raw_payload["payment_intent"] == "pi_123"
    assert purchase.purchased_at.timestamp() == 1746093600
    assert [e.product.name for e in purchase.entitlements.all()] == ["Aurora"]


def test_stripes_own_signature_header_with_a_v0_entry_is_understood():
    body = json.dumps(event(session())).encode()
    header = sign(body, SECRET).replace(
        ",v1=", ",v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39,v1="
    )
    assert post(body=body, signature=header).status_code == 200


def test_expanded_line_items_give_the_products_by_lookup_key_or_product_id():
    items = {
        "object": "list",
        "data": [
            {
                "description": "Aurora",
                "quantity": 2,
                "price": {"lookup_key": "aurora-theme", "product": "prod_A"},
            },
            {
                "description": "Hosting",
                "quantity": 1,
                "price": {"lookup_key": None, "product": {"id": "prod_Hosting"}},
            },
        ],
    }
    post(event(session(line_items=items, metadata={})))
    entitlements = {e.product.name: e.quantity for e in Entitlement.objects.all()}
    assert entitlements == {"Aurora": 2, "Hosting": 1}


def test_metadata_products_with_quantities():
    post(event(session(metadata={"support_products": "aurora-theme:3, prod_Hosting"})))
    assert {e.product.name: e.quantity for e in Entitlement.objects.all()} == {"Aurora": 3, "Hosting": 1}


def test_an_unpaid_session_waits_for_the_async_payment():
    response = post(event(session(payment_status="unpaid")))
    assert response.status_code == 200
    assert response.json()["ignored"] is True
    assert purchase_rows()["purchases"] == 0
    response = post(event(session(payment_status="paid"), "checkout.session.async_payment_succeeded"))
    assert response.json()["created"] is True
    assert Purchase.objects.get().entitlements.count() == 1


def test_stripe_retrying_the_same_event_with_a_new_signature_records_it_once():
    post(age=10)
    response = post()
    assert response.status_code == 200
    assert response.json()["created"] is False
    assert Purchase.objects.count() == 1


def test_a_full_refund_revokes_the_purchase_paid_with_that_payment_intent():
    post()
    response = post(event(charge(), "charge.refunded"))
    assert response.status_code == 200
    assert response.json()["status"] == "refunded"
    purchase = Purchase.objects.get()
    assert purchase.status == PurchaseStatus.REFUNDED
    assert not purchase.entitlements.get().active


def test_a_partial_refund_keeps_the_support():
    post()
    response = post(event(charge(refunded=False, amount_refunded=500), "charge.refunded"))
    assert response.json()["ignored"] is True
    assert Entitlement.objects.get().active


def test_a_refund_of_an_unknown_payment_is_acknowledged_and_changes_nothing():
    post()
    before = purchase_rows()
    response = post(event(charge(payment_intent="pi_other"), "charge.refunded"))
    assert response.status_code == 200
    assert response.json()["ignored"] is True
    assert purchase_rows() == before


def test_unknown_event_types_are_acknowledged_and_ignored():
    response = post(event({"id": "in_1"}, "invoice.paid"))
    assert response.status_code == 200
    assert response.json() == {
        "ignored": True,
        "reason": "Events of type 'invoice.paid' are not used by this site.",
    }
    assert purchase_rows()["deliveries"] == 0


def test_the_endpoint_is_off_without_a_secret(settings):
    settings.WAGTAIL_SUPPORT = {}
    response = post()
    assert response.status_code == 404
    assert response.json() == {"error": "Stripe webhooks are not enabled on this site."}
    assert purchase_rows()["purchases"] == 0


def test_the_body_is_not_read_before_the_signature_is_checked():
    response = post(body=b"{not json", secret="whsec_forged")
    assert response.status_code == 400
    assert "does not match" in response.json()["error"]  # not a JSON error: the body was never parsed


def test_a_replayed_event_is_refused_and_writes_nothing():
    body = json.dumps(event(session())).encode()
    header = sign(body, SECRET)
    assert post(body=body, signature=header).status_code == 200
    before = purchase_rows()
    response = post(body=body, signature=header)
    assert response.status_code == 409
    assert "already accepted" in response.json()["error"]
    assert purchase_rows() == before


HOSTILE = {
    "missing signature": ({"signature": False}, 400, "Stripe-Signature header is missing"),
    "malformed signature": ({"signature": "v1=abc"}, 400, "header is malformed"),
    "wrong secret": ({"secret": "whsec_guessed"}, 400, "does not match the body"),
    "stale timestamp": ({"age": 301}, 400, "more than 300 seconds away"),
    "timestamp from the future": ({"age": -301}, 400, "more than 300 seconds away"),
    "malformed JSON": ({"body": b'{"type": '}, 400, "not valid JSON"),
    "not an event": ({"payload": {"hello": "world"}}, 400, "not a Stripe event"),
    "wrong content type": ({"content_type": "text/plain"}, 415, "application/json"),
    "body over the limit": ({"body": b'{"x": "' + b"a" * 9000 + b'"}'}, 413, "larger than 8192 bytes"),
    "session without products": (
        {"payload": event(session(metadata={}))},
        422,
        "carries no products",
    ),
    "session without an e-mail": (
        {"payload": event(session(customer_details={}))},
        422,
        "'email' is required",
    ),
    "bad metadata products": (
        {"payload": event(session(metadata={"support_products": "aurora-theme:many"}))},
        422,
        "ref:qty,ref2:qty",
    ),
    "refund without payment intent": (
        {"payload": event(charge(payment_intent=None), "charge.refunded")},
        422,
        "no 'payment_intent'",
    ),
}


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_delivery_is_refused_with_a_clear_error_and_writes_nothing(case):
    kwargs, status, message = case
    UserFactory(email="someone@example.com")
    before = purchase_rows()
    response = post(**kwargs)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert purchase_rows() == before


@pytest.mark.parametrize("method", ["get", "head", "put"])
def test_other_methods_are_refused(method):
    response = getattr(Client(), method)(URL)
    assert response.status_code == 405
    assert purchase_rows()["deliveries"] == 0
