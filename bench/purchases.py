"""How fast purchases are recorded: ``record_purchase`` one by one, and the bulk CSV back-fill.

Run from the repository root (PostgreSQL and Redis must be running)::

    .venv/bin/python bench/purchases.py [--purchases 2000] [--rows 100000] [--database NAME]

* Database: PostgreSQL ``--database`` (default ``wagtail_support_bench_purchases``) on the host, port
  and user of DATABASE_URL (default postgres://postgres@127.0.0.1:5432),
  dropped and created afresh, migrated, dropped at the end.
* Settings: ``bench.settings`` (DEBUG off, Celery not eager). The broker is the real Redis
  (redis://127.0.0.1:6379/14 unless ``--broker``) on a queue of this run's own that no worker consumes:
  each purchase's e-mail is written to the outbox with it and, after COMMIT, handed to the process's
  dispatcher thread, which publishes a burst of them per Celery task, as on a live site; nothing is
  sent. A clock stops once every e-mail of its purchases is in Redis. The queue is deleted at the end.
* (a) ``--purchases`` paid orders, each a call of ``record_purchase`` (its own transaction), as a
  webhook makes it: a fifth of them by returning buyers, one or two lines each, out of 20 supported
  products, one after the other in this process. The first ``WARM_UP`` orders are not timed: they load
  templates and open connections, and their SQL statements are counted (per purchase, BEGIN and COMMIT
  not included). Each later call is timed on its own, from the call to its return: the purchase, its
  entitlements, the account and the outbox row committed and the e-mail handed over (what a shop's
  webhook waits for). Target: median under 20 ms. A clock also stops once every e-mail is in Redis.
* (b) A CSV file of ``--rows`` rows (orders of one to three lines, 3% unknown products) imported with
  ``manage.py support_import_purchases --no-notify``, reading the file included. Target <= 60 s.

The exit status is 0 whenever the measurements ran, PASS or MISS; 1 when setup failed.
"""

import argparse
import csv
import io
import os
import random
import secrets
import sys
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.admin_queue import python_speed  # noqa: E402
from bench.notify_latency import DEFAULT_BROKER, SetupError, log, out, purge_queue, verdict  # noqa: E402

PG_DATABASE = "wagtail_support_bench_purchases"
RECORD_TARGET_MEDIAN_MS = 20
IMPORT_TARGET_S = 60
PRODUCTS = 20
WARM_UP = 100


class Database:
    """PostgreSQL ``name`` (``wagtail_support_bench_purchases``); no other database is ever touched."""

    def __init__(self, name=PG_DATABASE):
        self.name = name
        parts = urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/")
        if parts.scheme.split("+")[0] not in {"postgres", "postgresql", "pgsql"}:
            raise SetupError("this benchmark runs on PostgreSQL; DATABASE_URL must be postgres://...")
        self.parts = parts
        self.url = parts._replace(path=f"/{name}").geturl()

    def _run(self, *statements):
        import psycopg
        from psycopg import sql

        try:
            with psycopg.connect(
                host=self.parts.hostname or "127.0.0.1",
                port=self.parts.port or 5432,
                user=self.parts.username or "postgres",
                password=self.parts.password or None,
                dbname="postgres",
                autocommit=True,
                connect_timeout=5,
            ) as conn:
                for statement in statements:
                    conn.execute(sql.SQL(statement).format(sql.Identifier(self.name)))
        except psycopg.Error as error:
            raise SetupError(f"PostgreSQL: {error}") from error

    def create(self):
        self._run("DROP DATABASE IF EXISTS {}", "CREATE DATABASE {}")

    def drop(self):
        self._run("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def make_products():
    from wagtail_support.purchases.models import ProductReference, SupportedProduct

    for i in range(PRODUCTS):
        product = SupportedProduct(
            name=f"Product {i}",
            kind="hosting" if i % 5 == 0 else "theme",
            support_period_days=365,
            installations_per_unit=0 if i % 5 == 0 else 1,
            bundled_theme_claims=1 if i % 5 == 0 else 0,
        )
        product.references = [ProductReference(reference=f"sku-{i}")]
        product.save()


def paid_orders(count, rng, prefix):
    """``count`` orders: a fifth by returning buyers, one or two lines each, out of the products."""
    from wagtail_support.purchases.payload import PurchaseData, PurchaseLine

    start_day = datetime(2025, 1, 1, tzinfo=UTC)
    orders = []
    for i in range(count):
        buyer = rng.randrange(i) if i and rng.random() < 0.2 else i
        lines = tuple(
            PurchaseLine(f"sku-{rng.randrange(PRODUCTS)}", "Product", rng.randint(1, 2))
            for _ in range(rng.randint(1, 2))
        )
        orders.append(
            PurchaseData(
                source="bench",
                external_id=f"{prefix}{i}",
                email=f"buyer-{prefix.lower()}{buyer}@example.com",
                name=f"Buyer {buyer}",
                purchased_at=start_day + timedelta(minutes=i),
                lines=lines,
            )
        )
    return orders


def phase_a(args, rng, tasks_in_queue):
    import statistics

    from django.db import connection

    from wagtail_support.notifications.dispatcher import dispatcher
    from wagtail_support.notifications.models import Notification
    from wagtail_support.purchases.services import record_purchase

    purchases = paid_orders(args.purchases, rng, "A")
    warm_up, timed = purchases[:WARM_UP], purchases[WARM_UP:]
    statements = 0

    def count(execute, *params):  # only while warming up (templates, connections), never while timing
        nonlocal statements
        statements += 1
        return execute(*params)

    with connection.execute_wrapper(count):
        for data in warm_up:
            record_purchase(data)
    dispatcher.flush(timeout=60)
    tasks_before = tasks_in_queue()
    log(f"recording {len(timed)} purchases with record_purchase")
    times = []
    started = time.perf_counter()
    for data in timed:
        call = time.perf_counter()
        record_purchase(data)
        times.append((time.perf_counter() - call) * 1000)
    dispatcher.flush(timeout=60)  # the clock stops once every e-mail is in Redis
    seconds = time.perf_counter() - started
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[-1]
    tasks = tasks_in_queue() - tasks_before
    queued = Notification.objects.filter(status="pending").count()
    out(f"(a) record_purchase, one transaction per purchase, {len(timed)} purchases, one after the other")
    out(
        f"    one purchase recorded with its e-mail queued: median {median:.1f} ms, p95 {p95:.1f} ms   "
        f"target median < {RECORD_TARGET_MEDIAN_MS} ms   {verdict(median < RECORD_TARGET_MEDIAN_MS)}"
    )
    out(f"    {seconds:8.2f} s in all, {len(timed) / seconds:.0f} purchases/s")
    out(
        f"    {statements / len(warm_up):.1f} SQL statements per purchase besides BEGIN and COMMIT "
        f"(counted over the {len(warm_up)} untimed warm-up purchases)"
    )
    out(
        f"    outbox: {queued} e-mails pending, all in Redis when the clock stopped, in {tasks} Celery tasks "
        "(no worker sends them)"
    )
    connection.close()
    return queued


def write_csv(path, rows, rng):
    header = ["order_id", "email", "name", "purchased_at", "product_ref", "quantity", "status"]
    written, order = 0, 0
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        while written < rows:
            order += 1
            buyer = rng.randrange(order) if rng.random() < 0.3 else order
            when = (datetime(2023, 1, 1, tzinfo=UTC) + timedelta(minutes=order)).isoformat()
            for _ in range(min(rng.randint(1, 3), rows - written)):
                ref = f"old-{order}" if rng.random() < 0.03 else f"sku-{rng.randrange(PRODUCTS)}"
                writer.writerow(
                    [
                        f"B{order}",
                        f"customer{buyer}@example.org",
                        f"Customer {buyer}",
                        when,
                        ref,
                        rng.randint(1, 3),
                        "paid",
                    ]
                )
                written += 1
    return order


def phase_b(args, rng, path):
    from django.core.management import call_command

    from wagtail_support.purchases.models import Entitlement, Purchase

    orders = write_csv(path, args.rows, rng)
    log(f"importing {args.rows} rows ({orders} orders) from {path.relative_to(ROOT)}")
    before = Purchase.objects.count()
    stdout = io.StringIO()
    started = time.perf_counter()
    call_command("support_import_purchases", str(path), "--no-notify", stdout=stdout, verbosity=0)
    seconds = time.perf_counter() - started
    created = Purchase.objects.count() - before
    out(f"(b) support_import_purchases --no-notify, {args.rows} rows, {orders} orders")
    out(
        f"    {seconds:8.2f} s   {args.rows / seconds:8.0f} rows/s      target <= {IMPORT_TARGET_S} s        "
        f"{verdict(seconds <= IMPORT_TARGET_S and created == orders)}"
    )
    out(
        f"    {created} purchases and {Entitlement.objects.filter(purchase__source='csv').count()} "
        f"entitlements created; command summary:"
    )
    for line in stdout.getvalue().splitlines():
        out(f"      {line}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--purchases", type=int, default=2_000, help="purchases in (a) (default 2000)")
    parser.add_argument("--rows", type=int, default=100_000, help="CSV rows in (b) (default 100000)")
    parser.add_argument(
        "--database",
        default=PG_DATABASE,
        help=f"PostgreSQL database to make and drop (default {PG_DATABASE})",
    )
    parser.add_argument("--broker", default=DEFAULT_BROKER, help=f"Redis broker (default {DEFAULT_BROKER})")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generated data")
    args = parser.parse_args(argv)
    if args.purchases <= WARM_UP or args.rows < 1:
        parser.error(f"--purchases must be more than {WARM_UP}, --rows at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    rng = random.Random(args.seed)  # noqa: S311 - test data, not cryptography
    run_id = f"{os.getpid()}-{secrets.token_hex(3)}"
    queue = f"wagtail-support-bench-{run_id}-purchases"
    csv_path = ROOT / "var" / f"bench-{run_id}-purchases.csv"
    created, redis_client = False, None
    try:
        database = Database(args.database)
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": database.url,
                "BENCH_RUN_ID": run_id,
                "BENCH_BROKER_URL": args.broker,
                "BENCH_QUEUE": queue,
            }
        )
        import redis

        redis_client = redis.Redis.from_url(args.broker, socket_connect_timeout=2)
        try:
            redis_client.ping()
        except redis.RedisError as error:
            raise SetupError(f"Redis broker {args.broker} is not reachable: {error}") from error
        log(f"creating the database {args.database}")
        database.create()
        created = True

        import django

        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        django.setup()
        from django.core.management import call_command
        from django.db import connection

        log("migrating")
        call_command("migrate", interactive=False, verbosity=0)
        make_products()
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]

        out("wagtail-support purchases benchmark")
        out(f"  database: PostgreSQL {version}, fresh database {args.database}")
        out(f"  e-mail:   outbox rows + Celery tasks published to {args.broker}, queue {queue} (no worker)")
        out(f"  versions: Django {django.get_version()}, Python {sys.version.split()[0]}")
        out()

        def tasks_in_queue():
            return redis_client.llen(queue)

        speed = python_speed()
        phase_a(args, rng, tasks_in_queue)
        out(
            f"    machine speed, 3 million Python additions: {speed:.0f} ms before, "
            f"{python_speed():.0f} ms after (lower is faster; the figures above scale with it)"
        )
        purged = purge_queue(redis_client, queue)
        out(f"    {purged} task(s) waited in the queue; purged")
        out()
        csv_path.parent.mkdir(exist_ok=True)
        phase_b(args, rng, csv_path)
    except SetupError as error:
        print(f"SETUP FAILED: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        csv_path.unlink(missing_ok=True)
        if "django" in sys.modules and created:
            from django.db import connections

            connections.close_all()
        if redis_client is not None:
            try:
                purge_queue(redis_client, queue)
            except Exception as error:
                print(f"warning: could not delete this run's Redis keys: {error}", file=sys.stderr)
        if created:
            try:
                database.drop()
            except SetupError as error:
                print(f"warning: could not drop the benchmark database: {error}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
