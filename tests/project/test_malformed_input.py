"""Malformed input (issue 13, point 11): a 4xx with a clear JSON or form error and nothing written, never a
500. Deeply nested JSON, impossible numbers and times, NUL characters and lone surrogates."""

import json
import time

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import EntitlementFactory, SupportedProductFactory, UserFactory, publish_support_page
from wagtail_support.models import Ticket
from wagtail_support.purchases.adapters.signing import sign
from wagtail_support.purchases.models import Purchase, WebhookDelivery
from wagtail_support.text import has_unsafe_characters

pytestmark = pytest.mark.django_db

PARTNER_URL = "/support-center/webhooks/partners/acme/"
STRIPE_URL = "/support-center/webhooks/stripe/"
SECRET = "acme-shared-secret"


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    settings.WAGTAIL_SUPPORT = {
        "PARTNER_WEBHOOK_SECRETS": {"acme": SECRET},
        "STRIPE_WEBHOOK_SECRET": SECRET,
        "WEBHOOK_MAX_BODY_BYTES": 200_000,
    }
    SupportedProductFactory(name="Aurora", references=["aurora-theme"])


def order(**overrides):
    return {
        "external_id": "1042",
        "email": "ann@example.com",
        "name": "Ann Smith",
        "purchased_at": "2025-05-01T10:00:00Z",
        "lines": [{"product_ref": "aurora-theme", "quantity": 1}],
        **overrides,
    }


def post(body, *, url=PARTNER_URL, header="HTTP_X_SUPPORT_SIGNATURE", signature=None):
    body = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Client().post(
        url, data=body, content_type="application/json", **{header: signature or sign(body, SECRET)}
    )


def assert_refused(response, status=None):
    assert 400 <= response.status_code < 500, response.content
    if status:
        assert response.status_code == status
    assert response.json()["error"]
    assert not Purchase.objects.exists() and not WebhookDelivery.objects.exists()


@pytest.mark.parametrize("depth", [30_000, 50_000])
def test_deeply_nested_json_is_refused(depth):
    body = b'{"external_id": "1", "x": ' + b"[" * depth + b"]" * depth + b"}"

    response = post(body)

    assert_refused(response, 400)
    assert "nested" in response.json()["error"]


def test_json_nested_past_the_payload_bound_is_refused():
    nested = {}
    for _ in range(40):
        nested = {"a": nested}

    assert_refused(post(order(extra=nested)), 400)


@pytest.mark.parametrize("timestamp", ["1e20", "100000000000000000000", "9" * 400, "\u00b2"])
def test_an_impossible_signature_time_is_refused(timestamp):
    body = json.dumps(order()).encode()
    signature = sign(body, SECRET).replace(f"t={int(time.time())}", f"t={timestamp}")

    response = Client().post(
        PARTNER_URL, data=body, content_type="application/json", HTTP_X_SUPPORT_SIGNATURE=signature
    )

    assert_refused(response, 400)


@pytest.mark.parametrize(
    "body",
    [
        b'{"external_id": "1042", "email": "ann@example.com", "purchased_at": Infinity,'
        b' "lines": [{"product_ref": "aurora-theme"}]}',
        b'{"external_id": "1042", "email": "ann@example.com", "purchased_at": NaN,'
        b' "lines": [{"product_ref": "aurora-theme"}]}',
        json.dumps(order(purchased_at=1e300)).encode(),
        json.dumps(order(purchased_at=-1e18)).encode(),
        b'{"external_id": "1042", "lines": [{"quantity": ' + b"9" * 5000 + b"}]}",
    ],
    ids=["infinity", "nan", "1e300", "far past", "5000 digits"],
)
def test_impossible_numbers_are_refused(body):
    assert_refused(post(body))


def test_a_stripe_event_created_at_an_impossible_time_is_refused():
    session = {
        "id": "cs_test_1",
        "object": "checkout.session",
        "created": 1e300,
        "customer_details": {"email": "ann@example.com", "name": "Ann"},
        "payment_status": "paid",
        "metadata": {"support_products": "aurora-theme:1"},
    }
    event = {"id": "evt_1", "type": "checkout.session.completed", "data": {"object": session}}

    response = post(event, url=STRIPE_URL, header="HTTP_STRIPE_SIGNATURE")

    assert_refused(response)


@pytest.mark.parametrize("text", ["Ann\x00Smith", "Ann\ud800", "\udfff"])
@pytest.mark.parametrize("field", ["name", "external_id", "email", "comment"])
def test_nul_and_lone_surrogates_in_a_partner_order_are_refused(field, text):
    body = json.dumps(order(**{field: text})).encode()  # "\u0000" and "\ud800" as JSON escapes

    assert_refused(post(body), 400 if field == "comment" else None)


# The customer's support pages


@pytest.fixture
def signed_in(client):
    cache.clear()
    publish_support_page()
    user = UserFactory(username="ann")
    client.force_login(user)
    return EntitlementFactory(purchase__customer=user)


@pytest.mark.parametrize("title", ["ab%00cd+title", "ab%ED%A0%80cd+title"])  # NUL, a lone surrogate
def test_a_title_with_nul_or_a_lone_surrogate_is_a_form_error_or_cleaned(client, signed_in, title):
    data = f"product={signed_in.pk}&title={title}&description=Help"
    form = "application/x-www-form-urlencoded"

    preview = client.post("/support/new/", data + "&preview=1", content_type=form)
    sent = client.post("/support/new/", data, content_type=form)

    assert preview.status_code == 200
    assert sent.status_code in (302, 400)
    assert not has_unsafe_characters("".join(Ticket.objects.values_list("title", flat=True)))


def test_suggestions_with_a_nul_byte_are_answered(client, signed_in):
    response = client.get("/support/suggest/?q=ab%00cd")

    assert response.status_code == 200


@pytest.mark.postgresql
@pytest.mark.parametrize("query", ["ab%00cd", "%00%00%00", "checkout%00"])
def test_suggestions_with_a_nul_byte_are_answered_on_postgresql(client, signed_in, query):
    assert client.get(f"/support/suggest/?q={query}").status_code == 200


@pytest.mark.postgresql
def test_a_new_ticket_title_with_a_nul_is_a_form_error_on_postgresql(client, signed_in):
    data = {"product": signed_in.pk, "title": "Checkout\x00 broken", "description": "Help"}

    preview = client.post("/support/new/", {**data, "preview": "1"})
    sent = client.post("/support/new/", data)

    assert preview.status_code == 200
    assert sent.status_code == 400
    assert "Null characters are not allowed" in sent.content.decode()
    assert not Ticket.objects.exists()


@pytest.mark.postgresql
@pytest.mark.parametrize("text", ["Ann\x00Smith", "Ann\ud800"])
def test_nul_and_lone_surrogates_in_a_partner_order_are_refused_on_postgresql(text):
    assert_refused(post(json.dumps(order(name=text)).encode()))
