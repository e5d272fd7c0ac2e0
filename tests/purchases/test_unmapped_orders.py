"""Orders of unknown products only (issue 13, point 17): kept for staff to map, answered 202 naming the
unknown references, with no account and no e-mail; mapping a reference in the purchases admin grants the
order and sends the usual e-mail. Mixed orders keep today's rule."""

import csv
import io
import json
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import SupportedProductFactory, UserFactory
from wagtail_support.notifications.models import Notification
from wagtail_support.purchases.adapters.signing import sign
from wagtail_support.purchases.models import (
    CustomerAccount,
    Entitlement,
    ProductReference,
    Purchase,
    PurchaseStatus,
)

pytestmark = pytest.mark.django_db
User = get_user_model()

SECRET = "acme-shared-secret"
PARTNER = ("/support-center/webhooks/partners/acme/", "HTTP_X_SUPPORT_SIGNATURE")
STRIPE = ("/support-center/webhooks/stripe/", "HTTP_STRIPE_SIGNATURE")


@pytest.fixture(autouse=True)
def setup(settings):
    settings.WAGTAIL_SUPPORT = {"PARTNER_WEBHOOK_SECRETS": {"acme": SECRET}, "STRIPE_WEBHOOK_SECRET": SECRET}


@pytest.fixture
def aurora():
    return SupportedProductFactory(name="Aurora", references=["aurora-theme"])


def deliver(endpoint, refs, status="paid", external_id="1042"):
    url, header = endpoint
    if endpoint is PARTNER:
        payload = {
            "external_id": external_id,
            "email": "ann@example.com",
            "name": "Ann Smith",
            "status": status,
            "lines": [{"product_ref": ref, "title": ref.title(), "quantity": 1} for ref in refs],
        }
    else:
        session = {
            "id": f"cs_{external_id}",
            "created": 1746093600,
            "customer_details": {"email": "ann@example.com", "name": "Ann Smith"},
            "payment_status": "paid",
            "payment_intent": "pi_1",
            "metadata": {"support_products": ",".join(f"{ref}:1" for ref in refs)},
        }
        payload = {"id": "evt_1", "type": "checkout.session.completed", "data": {"object": session}}
    body = json.dumps(payload).encode()
    signature = sign(body, SECRET, int(time.time()) - Purchase.objects.count())
    return Client().post(url, data=body, content_type="application/json", **{header: signature})


def nothing_granted():
    return (
        not User.objects.exists()
        and not Entitlement.objects.exists()
        and not Notification.objects.exists()
        and not CustomerAccount.objects.exists()
    )


@pytest.mark.parametrize("endpoint", [PARTNER, STRIPE], ids=["partner", "stripe"])
def test_an_order_of_unknown_products_only_is_kept_for_staff_with_no_account_and_no_email(aurora, endpoint):
    response = deliver(endpoint, ["nebula-theme", "comet-plugin"])

    assert response.status_code == 202
    answer = response.json()
    purchase = Purchase.objects.get()
    assert answer["purchase"] == purchase.pk and answer["status"] == "unmapped" and answer["created"]
    assert answer["unknown_references"] == ["nebula-theme", "comet-plugin"]
    assert "'nebula-theme'" in answer["message"] and "'comet-plugin'" in answer["message"]
    assert purchase.status == PurchaseStatus.UNMAPPED and purchase.customer is None
    assert [line["product_ref"] for line in purchase.unknown_references] == ["nebula-theme", "comet-plugin"]
    assert nothing_granted()


@pytest.mark.parametrize("endpoint", [PARTNER, STRIPE], ids=["partner", "stripe"])
def test_a_mixed_order_keeps_todays_rule(aurora, endpoint):
    response = deliver(endpoint, ["aurora-theme", "nebula-theme"])

    assert response.status_code == 200
    purchase = Purchase.objects.get()
    assert purchase.status == PurchaseStatus.PAID and purchase.customer.email == "ann@example.com"
    assert [line["product_ref"] for line in purchase.unknown_references] == ["nebula-theme"]
    assert Entitlement.objects.get().product == aurora
    assert Notification.objects.get().kind == "welcome"


def test_a_csv_order_of_unknown_products_only_is_kept_for_staff(aurora, tmp_path):
    path = tmp_path / "orders.csv"
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["order_id", "email", "name", "purchased_at", "product_ref", "quantity"])
        writer.writerow(["N1", "ann@example.com", "Ann", "2025-03-01", "nebula-theme", "1"])
        writer.writerow(["A1", "bob@example.com", "Bob", "2025-03-01", "aurora-theme", "1"])
    out = io.StringIO()

    call_command("support_import_purchases", str(path), "--notify", stdout=out, stderr=io.StringIO())

    unmapped = Purchase.objects.get(external_id="N1")
    assert unmapped.status == PurchaseStatus.UNMAPPED and unmapped.customer is None
    assert list(User.objects.values_list("email", flat=True)) == ["bob@example.com"]
    assert list(Notification.objects.values_list("recipient", flat=True)) == ["bob@example.com"]
    assert "1 order(s) with no known product at all" in out.getvalue()


def test_a_refund_of_an_unmapped_order_revokes_it(aurora):
    deliver(PARTNER, ["nebula-theme"])

    response = deliver(PARTNER, ["nebula-theme"], status="refunded")

    assert response.status_code == 200
    assert Purchase.objects.get().status == PurchaseStatus.REFUNDED
    assert nothing_granted()


# The purchases admin


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def map_reference(client, purchase, reference, product, follow=True):
    url = reverse("wagtail_support_purchases:map_reference", args=[purchase.pk])
    return client.post(url, {"reference": reference, "product": product.pk}, follow=follow)


def test_staff_see_the_unmapped_order_and_can_map_it(admin_client, aurora):
    deliver(PARTNER, ["nebula-theme"])
    purchase = Purchase.objects.get()
    nebula = SupportedProductFactory(name="Nebula", references=["nebula"])

    listing = admin_client.get(reverse("wagtail_support_purchases:index") + "?status=unmapped")
    screen = admin_client.get(reverse("wagtail_support_purchases:inspect", args=[purchase.pk]))

    assert "Needs mapping" in listing.content.decode()
    assert "Map and grant" in screen.content.decode()
    assert not User.objects.exclude(username="root").exists()

    response = map_reference(admin_client, purchase, "nebula-theme", nebula)

    purchase.refresh_from_db()
    assert "The order is granted" in response.content.decode()
    assert ProductReference.objects.get(reference="nebula-theme").product == nebula
    assert purchase.status == PurchaseStatus.PAID and purchase.unknown_references == []
    assert purchase.customer.email == "ann@example.com"
    assert Entitlement.objects.get(purchase=purchase).product == nebula
    assert CustomerAccount.objects.get(user=purchase.customer).setup_pending
    assert Notification.objects.get().kind == "welcome"


def test_the_next_order_with_a_mapped_reference_is_granted_at_once(admin_client, aurora):
    deliver(PARTNER, ["nebula-theme"])
    map_reference(admin_client, Purchase.objects.get(), "nebula-theme", aurora)

    response = deliver(PARTNER, ["nebula-theme"], external_id="1043")

    assert response.status_code == 200 and response.json()["status"] == "paid"


def test_a_reference_of_another_product_cannot_be_mapped_again(admin_client, aurora):
    deliver(PARTNER, ["nebula-theme"])
    other = SupportedProductFactory(name="Other", references=["nebula-theme-x"])
    ProductReference.objects.filter(reference="nebula-theme-x").update(reference="nebula-theme")
    purchase = Purchase.objects.get()

    response = map_reference(admin_client, purchase, "nebula-theme", aurora)

    assert "already a shop reference of Other" in response.content.decode()
    assert ProductReference.objects.get(reference="nebula-theme").product == other


def test_only_staff_who_may_change_purchases_and_products_map_references(client, aurora):
    deliver(PARTNER, ["nebula-theme"])
    client.force_login(UserFactory(username="agent", groups=["Support agents"]))

    response = map_reference(client, Purchase.objects.get(), "nebula-theme", aurora, follow=False)

    assert response.status_code in (302, 403)
    assert not ProductReference.objects.filter(reference="nebula-theme").exists()
    assert Purchase.objects.get().status == PurchaseStatus.UNMAPPED
