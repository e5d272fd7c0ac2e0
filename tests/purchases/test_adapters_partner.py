"""The partner webhook: signed JSON in, a purchase out; every forged, stale, replayed or broken
delivery refused with a 4xx, a message in words, and nothing written."""

import io
import json
import time

import pytest
from django.test import Client, RequestFactory

from tests.factories import SupportedProductFactory, UserFactory
from tests.purchase_rows import purchase_rows
from wagtail_support.notifications.models import Notification
from wagtail_support.purchases.adapters import webhooks
from wagtail_support.purchases.adapters.signing import WebhookError, sign
from wagtail_support.purchases.models import (
    CustomerAccount,
    Entitlement,
    Purchase,
    PurchaseStatus,
    WebhookDelivery,
)

pytestmark = pytest.mark.django_db

URL = "/support-center/webhooks/partners/acme/"
SECRET = "acme-shared-secret"
HEADER = "HTTP_X_SUPPORT_SIGNATURE"


@pytest.fixture(autouse=True)
def partner_settings(settings):
    settings.WAGTAIL_SUPPORT = {
        "PARTNER_WEBHOOK_SECRETS": {"acme": SECRET},
        "WEBHOOK_MAX_BODY_BYTES": 4096,
    }


@pytest.fixture(autouse=True)
def product():
    return SupportedProductFactory(name="Aurora", references=["aurora-theme"])


def order(**overrides):
    return {
        "external_id": "1042",
        "email": "ann@example.com",
        "name": "Ann Smith",
        "status": "paid",
        "purchased_at": "2025-05-01T10:00:00Z",
        "lines": [{"product_ref": "aurora-theme", "title": "Aurora theme", "quantity": 1}],
        **overrides,
    }


def post(payload=None, *, body=None, secret=SECRET, timestamp=None, age=0, signature=None, url=URL, **extra):
    """POST a delivery signed ``age`` seconds ago (negative: in the future) unless told otherwise."""
    body = body if body is not None else json.dumps(payload or order()).encode()
    timestamp = timestamp if timestamp is not None else time.time() - age
    headers = {"content_type": "application/json"}
    if signature is not False:
        headers[HEADER] = signature or sign(body, secret, timestamp)
    headers.update(extra)
    return Client().post(url, data=body, **headers)


def test_a_signed_paid_order_becomes_a_purchase_with_account_and_entitlement():
    response = post()
    assert response.status_code == 200
    purchase = Purchase.objects.get()
    assert response.json() == {"purchase": purchase.pk, "created": True, "status": "paid"}
    assert (purchase.source, purchase.external_id) == ("partner:acme", "1042")
    assert purchase.customer.email == "ann@example.com"
    [entitlement] = purchase.entitlements.all()
    assert entitlement.product.name == "Aurora"
    assert CustomerAccount.objects.get(user=purchase.customer).setup_pending
    assert Notification.objects.get().kind == "welcome"
    assert WebhookDelivery.objects.get().source == "partner:acme"


def test_the_same_order_again_with_a_new_signature_is_accepted_and_recorded_once():
    assert post(age=5).json()["created"] is True
    response = post()
    assert response.status_code == 200
    assert response.json()["created"] is False
    assert Purchase.objects.count() == 1
    assert Entitlement.objects.count() == 1
    assert WebhookDelivery.objects.count() == 2


def test_a_replayed_delivery_with_the_same_signature_is_refused_and_writes_nothing():
    body = json.dumps(order()).encode()
    header = sign(body, SECRET)
    assert post(body=body, signature=header).status_code == 200
    before = purchase_rows()
    response = post(body=body, signature=header)
    assert response.status_code == 409
    assert "already accepted" in response.json()["error"]
    assert purchase_rows() == before


def test_a_replay_with_the_signatures_reordered_is_still_a_replay():
    body = json.dumps(order()).encode()
    header = sign(body, SECRET)
    assert post(body=body, signature=header).status_code == 200
    t, v1 = header.split(",")
    response = post(body=body, signature=f"{v1},v1=deadbeef,{t}")
    assert response.status_code == 409


def test_one_matching_signature_among_several_is_enough():
    body = json.dumps(order()).encode()
    good = sign(body, SECRET)
    old = sign(body, "the-previous-secret").split(",")[1]
    assert post(body=body, signature=f"{good},{old}").status_code == 200


def test_a_refund_revokes_the_entitlements():
    post()
    response = post(order(status="refunded"))
    assert response.status_code == 200
    assert response.json()["status"] == "refunded"
    purchase = Purchase.objects.get()
    assert purchase.status == PurchaseStatus.REFUNDED
    assert not purchase.entitlements.get().active


def test_a_cancellation_before_the_order_keeps_the_late_order_from_granting_support():
    assert post(order(status="cancelled")).json()["status"] == "cancelled"
    assert post().json() == {"purchase": Purchase.objects.get().pk, "created": False, "status": "cancelled"}
    assert Entitlement.objects.count() == 0


def test_unknown_products_are_kept_on_the_purchase():
    line = {"product_ref": "nebula-theme", "title": "Nebula", "quantity": 2}
    post(order(lines=[order()["lines"][0], line]))
    purchase = Purchase.objects.get()
    assert purchase.unknown_references == [line]
    assert purchase.entitlements.count() == 1


def test_the_endpoint_needs_no_csrf_token():
    body = json.dumps(order()).encode()
    response = Client(enforce_csrf_checks=True).post(
        URL, data=body, content_type="application/json", **{HEADER: sign(body, SECRET)}
    )
    assert response.status_code == 200


def test_each_partner_has_its_own_source_so_order_numbers_do_not_collide(settings):
    settings.WAGTAIL_SUPPORT = {"PARTNER_WEBHOOK_SECRETS": {"acme": SECRET, "globex": "globex-secret"}}
    post()
    post(secret="globex-secret", url="/support-center/webhooks/partners/globex/")
    assert sorted(Purchase.objects.values_list("source", flat=True)) == ["partner:acme", "partner:globex"]


HOSTILE = {
    "missing signature": ({"signature": False}, 400, "X-Support-Signature header is missing"),
    "malformed signature": ({"signature": "sha256=abc"}, 400, "header is malformed"),
    "signature without v1": ({"signature": "t=1700000000"}, 400, "header is malformed"),
    "wrong secret": ({"secret": "guessed"}, 400, "does not match the body"),
    "stale timestamp": ({"age": 301}, 400, "more than 300 seconds away"),
    "timestamp from the future": ({"age": -301}, 400, "more than 300 seconds away"),
    "malformed JSON": ({"body": b'{"external_id": '}, 400, "not valid JSON"),
    "not UTF-8": ({"body": b'{"a": "\xff"}'}, 400, "not UTF-8"),
    "JSON that is not an object": ({"body": b"[1, 2]"}, 400, "must be a JSON object"),
    "wrong content type": ({"content_type": "text/plain"}, 415, "Content-Type: application/json"),
    "form content type": (
        {"content_type": "application/x-www-form-urlencoded"},
        415,
        "application/json",
    ),
    "body over the limit": ({"body": b'{"x": "' + b"a" * 5000 + b'"}'}, 413, "larger than 4096 bytes"),
    "unknown partner": ({"url": "/support-center/webhooks/partners/nobody/"}, 404, "'nobody'"),
    "missing e-mail": ({"payload": order(email="")}, 422, "'email' is required"),
    "invalid e-mail": ({"payload": order(email="ann")}, 422, "not a valid e-mail"),
    "unknown status": ({"payload": order(status="lost")}, 422, "'status' must be one of"),
    "no lines": ({"payload": order(lines=[])}, 422, "'lines' must be a non-empty list"),
    "quantity zero": (
        {"payload": order(lines=[{"product_ref": "aurora-theme", "quantity": 0}])},
        422,
        "quantity' must be a whole number",
    ),
    "date that is not a date": ({"payload": order(purchased_at="yesterday")}, 422, "not an ISO 8601"),
    "impossible date": ({"payload": order(purchased_at="2025-02-30")}, 422, "impossible date"),
    "impossible support end": (
        {"payload": order(lines=[{"product_ref": "aurora-theme", "support_until": "2025-13-01"}])},
        422,
        "impossible date",
    ),
}


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_delivery_is_refused_with_a_clear_error_and_writes_nothing(case):
    kwargs, status, message = case
    UserFactory(email="someone@example.com")  # so that "nothing written" is not "nothing there"
    before = purchase_rows()
    response = post(**kwargs)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert message in response.json()["error"]
    assert purchase_rows() == before


def test_a_tampered_body_does_not_match_its_signature():
    header = sign(json.dumps(order()).encode(), SECRET)
    response = post(order(email="mallory@example.com"), signature=header)
    assert response.status_code == 400
    assert "does not match" in response.json()["error"]
    assert purchase_rows()["purchases"] == 0


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_other_methods_are_refused_without_state_change(method):
    response = getattr(Client(), method)(URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {"error": "Webhooks must be sent with POST."}
    assert purchase_rows()["deliveries"] == 0


def test_a_body_larger_than_its_content_length_says_is_refused_by_its_read_size(settings):
    request = RequestFactory().post(URL, data=b"{}", content_type="application/json")
    request.META["CONTENT_LENGTH"] = "2"  # the header claims a tiny body...
    request._stream = io.BytesIO(b"{" + b" " * 5000 + b"}")  # ...the server hands over a big one
    with pytest.raises(WebhookError) as caught:
        webhooks.read_body(request)
    assert caught.value.status == 413


def test_a_service_that_fails_rolls_back_the_replay_fingerprint(monkeypatch):
    from wagtail_support.purchases import services

    def broken(data):
        raise RuntimeError("database trouble")

    monkeypatch.setattr(services, "record_order", broken)
    body = json.dumps(order()).encode()
    header = sign(body, SECRET)
    with pytest.raises(RuntimeError):
        post(body=body, signature=header)
    assert WebhookDelivery.objects.count() == 0  # so the shop's retry is not taken for a replay
    monkeypatch.undo()
    assert post(body=body, signature=header).status_code == 200
