"""``manage.py support_import_purchases``: a bulk back-fill with the same result as ``record_purchase``."""

import csv
import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.factories import SupportedProductFactory, UserFactory
from wagtail_support.notifications.models import Notification
from wagtail_support.purchases import importing, services
from wagtail_support.purchases.models import CustomerAccount, Entitlement, Purchase

pytestmark = pytest.mark.django_db

HEADER = ["order_id", "email", "name", "purchased_at", "product_ref", "quantity", "status", "support_until"]
ROWS = [
    ["A1", "ann@example.com", "Ann Smith", "2025-01-10T09:00:00Z", "aurora-theme", "1", "paid", ""],
    ["A1", "ann@example.com", "Ann Smith", "2025-01-10T09:00:00Z", "hosting-basic", "2", "paid", ""],
    ["A2", "ANN@example.com", "Ann Smith", "2025-02-01", "nebula-theme", "1", "", ""],
    ["B1", "Bob@Example.com", "Bob", "2025-03-01", "aurora-theme", "1", "paid", "2027-01-01"],
    ["C1", "cleo@example.com", "Cleo", "2025-03-02", "aurora-theme", "1", "refunded", ""],
    ["D1", "existing@example.com", "Dee", "2025-03-03", "plugin-x", "3", "paid", ""],
    ["E1", "taken@example.com", "Eve", "2025-03-04", "aurora-theme", "1", "paid", ""],
]


@pytest.fixture(autouse=True)
def catalogue():
    SupportedProductFactory(name="Aurora", references=["aurora-theme"])
    SupportedProductFactory(
        name="Hosting",
        kind="hosting",
        installations_per_unit=0,
        bundled_theme_claims=1,
        references=["hosting-basic"],
    )
    SupportedProductFactory(name="Plugin X", kind="plugin", support_period_days=0, references=["plugin-x"])
    UserFactory(username="dee", email="Existing@Example.com")  # an account the shop made before
    UserFactory(username="taken@example.com", email="other@example.com", is_active=False)


def write_csv(tmp_path, rows, header=HEADER, name="orders.csv"):
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("support_import_purchases", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts():
    return (
        Purchase.objects.count(),
        Entitlement.objects.count(),
        get_user_model().objects.count(),
        CustomerAccount.objects.count(),
        Notification.objects.count(),
    )


def snapshot():
    """Everything a purchase leaves behind, without database ids."""
    User = get_user_model()
    return {
        "purchases": sorted(
            (
                p.source,
                p.external_id,
                p.email,
                p.name,
                p.customer.username if p.customer else None,
                p.purchased_at,
                p.status,
                p.revoked_at is not None,
                tuple(tuple(sorted(u.items())) for u in p.unknown_references),
            )
            for p in Purchase.objects.select_related("customer")
        ),
        "entitlements": sorted(
            (
                e.purchase.external_id,
                e.customer.username,
                e.product.name,
                e.quantity,
                e.support_until,
                e.installations_allowed,
                e.bundled_claims_allowed,
                e.active,
            )
            for e in Entitlement.objects.select_related("purchase", "customer", "product")
        ),
        "users": sorted(
            (u.username, u.email, u.first_name, u.last_name, u.has_usable_password(), u.is_active)
            for u in User.objects.all()
        ),
        "accounts": sorted((a.user.username, a.setup_pending) for a in CustomerAccount.objects.all()),
        "notifications": sorted(
            (n.kind, n.recipient, n.dedupe_key, n.context.get("name")) for n in Notification.objects.all()
        ),
    }


def test_the_import_creates_purchases_accounts_and_entitlements_without_emails(tmp_path):
    out, err = run(write_csv(tmp_path, ROWS))
    assert Purchase.objects.count() == 6
    a1 = Purchase.objects.get(external_id="A1")
    assert a1.source == "csv"
    assert {e.product.name: e.quantity for e in a1.entitlements.all()} == {"Aurora": 1, "Hosting": 2}
    a2 = Purchase.objects.get(external_id="A2")  # unknown products only: kept for staff to map
    assert (a2.status, a2.customer) == ("unmapped", None)
    assert CustomerAccount.objects.get(user=a1.customer).setup_pending
    assert Entitlement.objects.get(purchase__external_id="B1").support_until == date(2027, 1, 1)
    assert Purchase.objects.get(external_id="C1").status == "refunded"
    assert Purchase.objects.get(external_id="D1").customer.username == "dee"
    assert Notification.objects.count() == 0  # back-fills send no e-mail unless --notify
    assert "created:  7 row(s), 6 order(s)" in out
    assert "unknown product: 1 row(s)" in out
    assert "rows/s" in err  # the progress bar


def test_unknown_products_are_reported_and_kept_on_the_purchase(tmp_path):
    run(write_csv(tmp_path, ROWS))
    assert Purchase.objects.get(external_id="A2").unknown_references == [
        {"product_ref": "nebula-theme", "title": "", "quantity": 1}
    ]


def test_a_dry_run_reports_the_same_and_writes_nothing(tmp_path):
    before = counts()
    out, _ = run(write_csv(tmp_path, ROWS), "--dry-run", "--notify")
    assert counts() == before
    assert "Dry run: nothing was saved" in out
    assert "created:  7 row(s), 6 order(s)" in out
    assert "E-mails queued: 4" in out  # not for A2, an order of unknown products only


def test_a_second_run_reports_existing_orders_and_changes_nothing(tmp_path):
    path = write_csv(tmp_path, ROWS)
    run(path)
    before = snapshot()
    out, _ = run(path)
    assert snapshot() == before
    assert "created:  0 row(s), 0 order(s)" in out
    assert "existing: 7 row(s), 6 order(s)" in out


def test_a_refund_in_a_later_file_revokes_a_paid_order(tmp_path):
    run(write_csv(tmp_path, ROWS))
    refund = [["B1", "bob@example.com", "Bob", "2025-03-01", "aurora-theme", "1", "refunded", ""]]
    out, _ = run(write_csv(tmp_path, refund, name="refunds.csv"))
    assert Purchase.objects.get(external_id="B1").status == "refunded"
    assert not Entitlement.objects.get(purchase__external_id="B1").active
    assert "1 paid order(s) revoked" in out


def test_bad_rows_are_rejected_with_their_line_numbers_and_the_rest_is_imported(tmp_path):
    rows = [
        ["G1", "not-an-address", "", "2025-01-01", "aurora-theme", "1", "", ""],  # line 2
        ["", "x@example.com", "", "2025-01-01", "aurora-theme", "1", "", ""],  # line 3
        ["G3", "x@example.com", "", "2025-01-01", "aurora-theme", "two", "", ""],  # line 4
        ["G4", "x@example.com", "", "last week", "aurora-theme", "1", "", ""],  # line 5
        ["G5", "x@example.com", "", "2025-01-01", "aurora-theme", "1", "lost", ""],  # line 6
        ["G6", "x@example.com", "", "2025-01-01", "aurora-theme", "1", "", ""],  # line 7: fine alone...
        ["G6", "x@example.com", "", "2025-01-01", "", "1", "", ""],  # line 8: ...but its order is broken
        ["G7", "y@example.com", "", "", "aurora-theme", "1", "", ""],  # line 9
        ["OK", "ok@example.com", "", "2025-01-01", "aurora-theme", "1", "", "2025-13-01"],  # line 10
        ["OK2", "ok@example.com", "", "2025-01-01", "aurora-theme", "1", "", ""],  # line 11
    ]
    out, _ = run(write_csv(tmp_path, rows))
    assert Purchase.objects.get().external_id == "OK2"
    assert "rejected: 10 row(s)" not in out
    expected = [
        "line 2: 'email' is not a valid e-mail address",
        "line 3: 'order_id' is required",
        "line 4: 'quantity' must be a whole number",
        "line 5: 'purchased_at' is not an ISO 8601",
        "line 6: 'status' must be one of",
        "line 7: order 'G6' is rejected with its line 8",
        "line 8: 'product_ref' is required",
        "line 9: 'purchased_at' is required",
        "is an impossible date: '2025-13-01' (month must be in 1..12)",
    ]
    for message in expected:
        assert message in out
    assert "rejected: 9 row(s)" in out


def test_rows_of_one_order_must_agree_on_the_buyer(tmp_path):
    rows = [
        ["H1", "a@example.com", "", "2025-01-01", "aurora-theme", "1", "", ""],
        ["H1", "b@example.com", "", "2025-01-01", "aurora-theme", "1", "", ""],
    ]
    out, _ = run(write_csv(tmp_path, rows))
    assert Purchase.objects.count() == 0
    assert "line 3: the rows of order 'H1' have different e-mail addresses." in out


def test_a_source_column_and_the_source_option(tmp_path):
    header = ["source", *HEADER]
    rows = [["shopify", *ROWS[3]], ["", *ROWS[4]]]
    run(write_csv(tmp_path, rows, header=header), "--source", "legacy-shop")
    assert sorted(Purchase.objects.values_list("source", "external_id")) == [
        ("legacy-shop", "C1"),
        ("shopify", "B1"),
    ]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["order_id", "email", "product_ref"], "The file has no column purchased_at"),
        ([*HEADER, "colour"], "Unknown column colour"),
        ([], "The file is empty"),
    ],
)
def test_a_file_with_wrong_columns_is_refused_as_a_whole(tmp_path, header, message):
    path = tmp_path / "bad.csv"
    path.write_text(",".join(header) + ("\n" if header else ""))
    with pytest.raises(CommandError, match=message):
        run(path)
    assert Purchase.objects.count() == 0


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "nope.csv")


@pytest.mark.parametrize("notify", [False, True])
def test_the_bulk_import_gives_the_same_result_as_record_purchase(tmp_path, notify):
    path = write_csv(tmp_path, ROWS)
    with open(path, newline="") as lines:
        orders, _ = importing.read_orders(lines, file_name=str(path))
    preexisting = set(get_user_model().objects.values_list("pk", flat=True))

    importing.import_orders(orders, notify=notify, chunk_size=2)  # chunks split one buyer's orders
    bulk = snapshot()

    Notification.objects.all().delete()
    Purchase.objects.all().delete()
    CustomerAccount.objects.all().delete()
    get_user_model().objects.exclude(pk__in=preexisting).delete()
    for order in orders:
        services.record_purchase(order.purchase)
    one_by_one = snapshot()
    if not notify:
        one_by_one["notifications"] = []
    assert bulk == one_by_one
    assert len(bulk["entitlements"]) == 5


def test_notify_queues_the_usual_emails(tmp_path):
    out, _ = run(write_csv(tmp_path, ROWS), "--notify")
    kinds = sorted(Notification.objects.values_list("kind", "recipient"))
    assert kinds == [  # none for A2, an order of unknown products only
        ("purchase_added", "existing@example.com"),
        ("purchase_added", "taken@example.com"),
        ("welcome", "Bob@Example.com"),
        ("welcome", "ann@example.com"),
    ]
    assert "E-mails queued: 4" in out
