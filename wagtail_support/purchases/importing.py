"""Back-fill purchases in bulk (``manage.py support_import_purchases``): the same result as
``services.record_purchase`` for each order, in a few queries per thousand orders.

Rows are read and validated first (``read_orders``); an order with a bad row is rejected whole, so a
re-run can still bring it in once the file is fixed. ``import_orders`` then writes chunks of orders,
each in its own transaction: existing orders are looked up by (source, external_id) and left alone,
buyers are found by e-mail or created (no usable password, set-up pending), and purchases and
entitlements are bulk-created, with the entitlement arithmetic of ``services.build_entitlements``.
E-mails are queued through the outbox only when asked (``notify=True``).

Unlike the adapters, the import does not send ``purchase_completed``: it writes in bulk.
"""

import csv
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field, replace

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from wagtail_support.notifications import outbox
from wagtail_support.purchases import accounts, catalogue, services
from wagtail_support.purchases.models import CustomerAccount, Entitlement, Purchase, PurchaseStatus
from wagtail_support.purchases.payload import PayloadError, PurchaseData

COLUMNS = (
    "source",
    "order_id",
    "email",
    "name",
    "purchased_at",
    "product_ref",
    "title",
    "quantity",
    "status",
    "support_until",
)
REQUIRED_COLUMNS = ("order_id", "email", "purchased_at", "product_ref")
_FIELD_NAMES = {  # PurchaseData's names in its messages -> the CSV's column names
    "'external_id'": "'order_id'",
    "'lines[0].product_ref'": "'product_ref'",
    "'lines[0].quantity'": "'quantity'",
    "'lines[0].support_until'": "'support_until'",
    "'lines'": "'product_ref'",
}


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (no header, missing or unknown columns)."""


@dataclass
class ImportedOrder:
    purchase: PurchaseData
    line_numbers: list[int]


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    rows: int = 0
    orders_created: int = 0
    rows_created: int = 0
    orders_existing: int = 0
    rows_existing: int = 0
    orders_revoked: int = 0
    orders_unmapped: int = 0  # no known product at all: kept for staff to map, no account, no e-mail
    rows_unknown_product: int = 0
    users_created: int = 0
    entitlements_created: int = 0
    notifications_queued: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def add(self, other):
        for name in (
            "orders_created",
            "rows_created",
            "orders_existing",
            "rows_existing",
            "orders_revoked",
            "orders_unmapped",
            "rows_unknown_product",
            "users_created",
            "entitlements_created",
            "notifications_queued",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def read_orders(lines, *, default_source="csv", file_name=""):
    """Read CSV text lines into ``(orders, report)``; bad rows are in ``report.rejected``, by line number."""
    reader = csv.DictReader(lines)
    columns = [name.strip() for name in reader.fieldnames or []]
    if not columns:
        raise ImportFileError("The file is empty: the first line must name the columns.")
    if missing := [name for name in REQUIRED_COLUMNS if name not in columns]:
        raise ImportFileError(
            f"The file has no column {', '.join(missing)} (the header is {', '.join(columns)})."
        )
    if unknown := [name for name in columns if name not in COLUMNS]:
        raise ImportFileError(f"Unknown column {', '.join(unknown)}; the columns are {', '.join(COLUMNS)}.")
    reader.fieldnames = columns
    report = ImportReport()
    rows = defaultdict(list)  # (source, order id) -> [(line number, PurchaseData of the row or None)]
    for row in reader:
        report.rows += 1
        number = reader.line_num
        try:
            purchase = _row_purchase(row, default_source)
        except PayloadError as error:
            report.rejected.append((number, str(error)))
            purchase = None
        source = (row.get("source") or "").strip() or default_source
        rows[(source, (row.get("order_id") or "").strip())].append((number, purchase))

    orders = []
    for (_, order_id), order_rows in rows.items():
        if reason := _order_problem(order_id, order_rows, report):
            report.rejected.extend((n, reason) for n, purchase in order_rows if purchase is not None)
            continue
        first = order_rows[0][1]
        orders.append(
            ImportedOrder(
                purchase=replace(
                    first,
                    lines=tuple(purchase.lines[0] for _, purchase in order_rows),
                    raw={"imported_from": file_name, "rows": [n for n, _ in order_rows]},
                ),
                line_numbers=[number for number, _ in order_rows],
            )
        )
    report.rejected.sort()
    return orders, report


def import_orders(orders, *, notify=False, dry_run=False, chunk_size=1000, progress=None, report=None):
    """Write ``orders`` in chunks; return the ``ImportReport``. ``progress(rows_done)`` after each chunk.

    Safe to re-run: orders already recorded (by any adapter) count as existing and are not touched,
    except that a refunded or cancelled status in the file revokes a paid one. ``dry_run`` does all
    the work in a transaction that is rolled back, so its report is exact and nothing is kept.
    """
    report = report or ImportReport()
    # Each chunk commits on its own; a dry run holds them all in one transaction that is rolled back.
    with transaction.atomic() if dry_run else nullcontext():
        done = 0
        for start in range(0, len(orders), chunk_size):
            chunk = orders[start : start + chunk_size]
            report.add(_import_chunk_with_retry(chunk, notify))
            done += sum(len(order.line_numbers) for order in chunk)
            if progress:
                progress(done)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _import_chunk_with_retry(chunk, notify, attempts=3):
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return _import_chunk(chunk, notify)
        except IntegrityError:  # a webhook recorded one of these orders or buyers meanwhile: look again
            if attempt == attempts - 1:
                raise
    return None  # pragma: no cover


def _import_chunk(chunk, notify):
    report = ImportReport()
    existing = _existing_purchases(chunk)
    new_paid, new_revoked = [], []
    for order in chunk:
        data = order.purchase
        recorded = existing.get((data.source, data.external_id))
        if recorded is None:
            (new_paid if data.status == PurchaseStatus.PAID else new_revoked).append(order)
            continue
        report.orders_existing += 1
        report.rows_existing += len(order.line_numbers)
        if data.status != PurchaseStatus.PAID and recorded.can_be_revoked:
            services.revoke(recorded, data.status)
            report.orders_revoked += 1

    products = catalogue.products_by_reference(
        {line.product_ref for order in new_paid for line in order.purchase.lines}
    )
    purchases, entitlements, announced = [], [], []
    unmapped = [order for order in new_paid if services.is_unmapped(order.purchase.lines, products)]
    for order in unmapped:  # no known product: kept for staff to map, with no account and no e-mail
        purchase = _purchase(order.purchase, status=PurchaseStatus.UNMAPPED)
        _, purchase.unknown_references = services.build_entitlements(purchase, order.purchase.lines, products)
        purchases.append(purchase)
        report.rows_unknown_product += len(purchase.unknown_references)
    report.orders_unmapped = len(unmapped)
    new_paid = [order for order in new_paid if not any(order is other for other in unmapped)]
    customers = _customers([order.purchase for order in new_paid], report)
    welcomed = set()  # a new buyer's first order is their welcome, the next ones "purchase added"
    for order in new_paid:
        data = order.purchase
        customer, created = customers[data.normalised_email]
        new_account = created and customer.pk not in welcomed
        welcomed.add(customer.pk)
        purchase = _purchase(data, customer=customer)
        granted, unknown = services.build_entitlements(purchase, data.lines, products)
        purchase.unknown_references = unknown
        purchases.append(purchase)
        entitlements.extend(granted)
        announced.append((purchase, new_account))
        report.rows_unknown_product += len(unknown)
    now = timezone.now()
    for order in new_revoked:  # revoked before it was ever recorded: kept, grants nothing
        purchases.append(_purchase(order.purchase, status=order.purchase.status, revoked_at=now))

    Purchase.objects.bulk_create(purchases)
    Entitlement.objects.bulk_create(entitlements)
    report.orders_created = len(purchases)
    report.rows_created = sum(len(order.line_numbers) for order in new_paid + new_revoked + unmapped)
    report.entitlements_created = len(entitlements)
    if notify:
        outbox.notify_many([accounts.purchase_email(purchase, new) for purchase, new in announced])
        report.notifications_queued = len(announced)
    return report


def _purchase(data, **fields):
    return Purchase(
        source=data.source,
        external_id=data.external_id,
        email=data.email,
        name=data.name,
        purchased_at=data.purchased_at,
        raw_payload=data.raw or data.as_json(),
        **fields,
    )


def _existing_purchases(chunk):
    by_source = defaultdict(list)
    for order in chunk:
        by_source[order.purchase.source].append(order.purchase.external_id)
    query = Q()
    for source, ids in by_source.items():
        query |= Q(source=source, external_id__in=ids)
    return {(p.source, p.external_id): p for p in Purchase.objects.filter(query)}


def _customers(purchases, report):
    """The buyer of each new order, by normalised e-mail: ``accounts.customers_for`` in bulk, with the
    support accounts of those who had none."""
    found = accounts.customers_for([(data.email, data.name) for data in purchases], bulk=True)
    users = {user.pk: (user, created) for user, created in found.values()}
    with_account = set(
        CustomerAccount.objects.filter(user_id__in=list(users)).values_list("user_id", flat=True)
    )
    CustomerAccount.objects.bulk_create(
        CustomerAccount(user=user, setup_pending=created)
        for pk, (user, created) in users.items()
        if pk not in with_account
    )
    report.users_created = sum(created for _, created in users.values())
    return found


def _row_purchase(row, default_source):
    """The row as a one-line ``PurchaseData``, validated as every adapter's payload is."""
    quantity = (row.get("quantity") or "").strip() or "1"
    if not quantity.isdigit():
        raise PayloadError(f"'quantity' must be a whole number from 1 to 1000; got {quantity!r}.")
    if not (row.get("purchased_at") or "").strip():
        raise PayloadError("'purchased_at' is required (the date support is counted from).")
    data = {
        "source": (row.get("source") or "").strip() or default_source,
        "external_id": row.get("order_id"),
        "email": row.get("email"),
        "name": row.get("name"),
        "purchased_at": (row.get("purchased_at") or "").strip(),
        "status": (row.get("status") or "").strip().lower() or "paid",
        "lines": [
            {
                "product_ref": row.get("product_ref"),
                "title": row.get("title"),
                "quantity": int(quantity),
                "support_until": (row.get("support_until") or "").strip() or None,
            }
        ],
    }
    try:
        return PurchaseData.from_dict(data)
    except ValueError as error:  # PayloadError, or an impossible date such as 2025-02-30
        message = str(error) if isinstance(error, PayloadError) else f"impossible date: {error}."
        for ours, theirs in _FIELD_NAMES.items():
            message = message.replace(ours, theirs)
        raise PayloadError(message) from error


def _order_problem(order_id, order_rows, report):
    """Why the rows of one order cannot be imported together, or None."""
    bad = [number for number, purchase in order_rows if purchase is None]
    if bad:
        return f"order {order_id!r} is rejected with its line {bad[0]}: an order is imported whole or not."
    purchases = [purchase for _, purchase in order_rows]
    if len({p.normalised_email for p in purchases}) > 1:
        return f"the rows of order {order_id!r} have different e-mail addresses."
    if len({p.status for p in purchases}) > 1:
        return f"the rows of order {order_id!r} have different statuses."
    return None
