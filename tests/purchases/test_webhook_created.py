"""Which delivery created the purchase (issue 13, point 16): of several re-signed copies of one order, only
the one that wrote the purchase answers ``"created": true``; the others answer ``false`` with its id, also
when they arrive at the same moment."""

import json
import threading
import time

import pytest
from django.db import connections
from django.test import Client

from tests.factories import SupportedProductFactory
from wagtail_support.purchases.adapters.signing import sign
from wagtail_support.purchases.models import Purchase

SECRET = "acme-shared-secret"
PARTNER = ("/support-center/webhooks/partners/acme/", "HTTP_X_SUPPORT_SIGNATURE")
STRIPE = ("/support-center/webhooks/stripe/", "HTTP_STRIPE_SIGNATURE")
COPIES = 10


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    settings.WAGTAIL_SUPPORT = {"PARTNER_WEBHOOK_SECRETS": {"acme": SECRET}, "STRIPE_WEBHOOK_SECRET": SECRET}


@pytest.fixture
def product(db):
    return SupportedProductFactory(name="Aurora", references=["aurora-theme"])


def body_for(endpoint):
    if endpoint is PARTNER:
        payload = {
            "external_id": "1042",
            "email": "ann@example.com",
            "lines": [{"product_ref": "aurora-theme", "quantity": 1}],
        }
    else:
        session = {
            "id": "cs_test_1",
            "created": 1746093600,
            "customer_details": {"email": "ann@example.com"},
            "payment_status": "paid",
            "metadata": {"support_products": "aurora-theme:1"},
        }
        payload = {"id": "evt_1", "type": "checkout.session.completed", "data": {"object": session}}
    return json.dumps(payload).encode()


def deliver(endpoint, copy, signed_at):
    """One copy of the order, re-signed ``copy`` seconds before ``signed_at`` (a new signature). The
    time is read once per test: read afresh, two copies a second apart could share a time and so a
    signature, which is refused as a replay."""
    url, header = endpoint
    body = body_for(endpoint)
    signature = sign(body, SECRET, signed_at - copy)
    return Client().post(url, data=body, content_type="application/json", **{header: signature})


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [PARTNER, STRIPE], ids=["partner", "stripe"])
def test_only_the_first_of_several_copies_says_created(product, endpoint):
    signed_at = int(time.time())
    answers = [deliver(endpoint, copy, signed_at).json() for copy in range(3)]

    purchase = Purchase.objects.get()
    assert [answer["created"] for answer in answers] == [True, False, False]
    assert {answer["purchase"] for answer in answers} == {purchase.pk}


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("endpoint", [PARTNER, STRIPE], ids=["partner", "stripe"])
def test_of_ten_copies_at_once_exactly_one_says_created(product, endpoint):
    barrier = threading.Barrier(COPIES)
    answers, errors = [], []
    signed_at = int(time.time())

    def send(copy):
        try:
            barrier.wait(timeout=10)
            response = deliver(endpoint, copy, signed_at)
            answers.append((response.status_code, response.json()))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(copy,)) for copy in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    purchase = Purchase.objects.get()
    assert sorted(status for status, _ in answers) == [200] * COPIES
    assert sum(answer["created"] for _, answer in answers) == 1
    assert {answer["purchase"] for _, answer in answers} == {purchase.pk}
