"""Writing a new purchase: its rows in one statement on PostgreSQL, one INSERT each elsewhere.

A purchase writes four tables: the purchase, its entitlements, the buyer's support account (unless
they have one) and the outbox row of its e-mail. Shops deliver orders in bursts and every statement
is a round trip, so on PostgreSQL the four INSERTs travel as one ``WITH ... INSERT`` statement
(data-modifying common table expressions). Each INSERT is built by Django's own insert compiler, once
per process and number of entitlements, and each purchase's values are prepared as ``save()`` prepares
them, so a row holds exactly what ``save()`` or ``bulk_create()`` would write (field defaults,
``auto_now_add``, JSON), and a field added to a model is written without touching this module.

Either way the rows are written in the caller's transaction, the e-mail is dispatched after COMMIT,
and an order that is already recorded raises ``IntegrityError`` (its unique constraint), with nothing
written.
"""

import functools

from django.db import connections, router
from django.db.models.constants import OnConflict
from django.db.models.expressions import RawSQL
from django.db.models.sql import InsertQuery

from wagtail_support.notifications import outbox
from wagtail_support.purchases.models import CustomerAccount, Entitlement, Purchase

# The new purchase's id, as the entitlements' INSERT reads it from the purchase's INSERT.
_NEW_PURCHASE_ID = RawSQL("SELECT id FROM new_purchase", ())

# (database alias, number of entitlements) -> the statement; a purchase has one to a few lines, so
# each process compiles a handful of statements once, and only their parameters per purchase.
_statements = {}


def insert_purchase(purchase, entitlements, account, notification):
    """Write the unsaved ``purchase``, its ``entitlements``, ``account`` and ``notification``.

    ``account`` is skipped when the user has a support account already, ``notification`` when the
    outbox holds its dedupe key already (``notify``'s rule). On return the purchase has its id.
    """
    using = router.db_for_write(Purchase)
    if connections[using].vendor != "postgresql":
        purchase.save(force_insert=True, using=using)
        Entitlement.objects.using(using).bulk_create(entitlements)
        CustomerAccount.objects.using(using).bulk_create([account], ignore_conflicts=True)
        outbox.enqueue(notification)
        return
    connection = connections[using]
    sql = _statements.get((using, len(entitlements))) or _compile(
        connection, purchase, entitlements, account, notification
    )
    params = [
        *_values(connection, [purchase]),
        *_values(connection, entitlements, inlined="purchase"),
        *_values(connection, [account]),
        *_values(connection, [notification]),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        purchase.pk, entitlement_ids, notification.pk = cursor.fetchone()
    for entitlement, pk in zip(entitlements, entitlement_ids, strict=True):
        entitlement.pk, entitlement.purchase = pk, purchase
    for instance in (purchase, *entitlements, *([notification] if notification.pk else [])):
        instance._state.adding, instance._state.db = False, using
    if notification.pk is not None:
        outbox.dispatch_on_commit(notification)


def _compile(connection, purchase, entitlements, account, notification):
    """The statement of a purchase with this many entitlements, by Django's insert compiler; kept for
    the next ones (``_values`` makes the parameters of each purchase)."""
    for entitlement in entitlements:
        entitlement.purchase_id = _NEW_PURCHASE_ID  # for the compiler, just below
    try:
        parts = {
            "new_purchase": _insert_sql(connection, [purchase], returning=True),
            "new_entitlements": _insert_sql(connection, entitlements, returning=True),
            "new_account": _insert_sql(connection, [account], ignore_conflicts=True),
            "new_notification": _insert_sql(
                connection, [notification], returning=True, ignore_conflicts=True
            ),
        }
    finally:
        for entitlement in entitlements:
            entitlement.purchase = purchase  # back to the instance, whatever happens next
    # Names and statements are this module's own and Django's compiler's; values are all parameters.
    sql = "WITH {} SELECT (SELECT id FROM new_purchase), {}, (SELECT id FROM new_notification)".format(  # noqa: S608
        ", ".join(f"{name} AS ({statement})" for name, statement in parts.items() if statement),
        "ARRAY(SELECT id FROM new_entitlements)" if entitlements else "'{}'::bigint[]",
    )
    _statements[connection.alias, len(entitlements)] = sql
    return sql


def _values(connection, instances, inlined=None):
    """The parameters of ``instances`` in the compiler's order: each field's ``pre_save`` value, prepared
    for the database as ``save()`` prepares it, row after row. The ``inlined`` field is no parameter (the
    entitlements' purchase: the statement reads it from the purchase's INSERT).
    """
    return [
        field.get_db_prep_save(field.pre_save(instance, True), connection)
        for instance in instances
        for field in _fields(instance.__class__)
        if field.name != inlined
    ]


@functools.cache
def _fields(model):
    opts = model._meta
    return [f for f in opts.concrete_fields if not f.generated and f is not opts.pk]


def _insert_sql(connection, instances, *, returning=False, ignore_conflicts=False):
    """The SQL of one INSERT of new ``instances`` of one model, as ``bulk_create`` builds it; "" for none."""
    if not instances:
        return ""
    model = instances[0].__class__
    query = InsertQuery(model, on_conflict=OnConflict.IGNORE if ignore_conflicts else None)
    query.insert_values(_fields(model), instances)
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [model._meta.pk] if returning else None
    [(sql, _)] = compiler.as_sql()
    return sql
