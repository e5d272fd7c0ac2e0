"""Server time of the staff workspace at 100,000 tickets and 500,000 messages on PostgreSQL.

Run from the repository root::

    .venv/bin/python bench/admin_queue.py [--tickets 100000] [--messages-per-ticket 5] [--repeat 30]

Setup: the database ``--database`` (default ``wagtail_support_bench_admin``) on 127.0.0.1:5432 (user
postgres, or the host, port and credentials of a postgres DATABASE_URL) is dropped, created, migrated,
and dropped again at the end; no other database is touched. Seeding uses PostgreSQL's COPY, streamed
in chunks (2,000 customers with one purchase each, 4 products, tickets spread over the last year in
every status, five messages per ticket) with the search triggers off; then the search documents are
computed into their own table by migration 0020's set-based ``REBUILD`` (then its GIN index), timed
apart as the "search backfill"; then VACUUM ANALYZE,
as autovacuum would after a bulk load. Wagtail's search index is not filled (see
``wagtail_support/staff/search.py``).

At a million tickets (``--tickets 1000000``: 5 million messages) run it niced on a shared machine:
``nice -n 10 .venv/bin/python bench/admin_queue.py --tickets 1000000 --database NAME``.

Each view is requested through Django's test ``Client`` logged in as a member of "Support agents"
(full middleware stack, template rendering; no web server), ``--repeat`` times after five warm-up
requests; the views take turns, one request each per round. The default queue is the open tickets
(the queue's default filter); a search looks through every status. Printed: median and p95 in ms;
targets: queue median < 60 ms, search median < 150 ms; and the machine's Python speed before and
after, since a shared machine's speed drifts.
Exit status 0 when measured (PASS or MISS), 1 when setup failed.
"""

import argparse
import gc
import io
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# BENCH_DATABASE (or --database) names another scratch database: two runs on one server share none.
DATABASE = os.environ.get("BENCH_DATABASE", "wagtail_support_bench_admin")
QUEUE_TARGET_MS, SEARCH_TARGET_MS = 60.0, 150.0
CANNED_LISTING = "wagtailsnippets_wagtail_support_cannedresponse:list"  # no canned responses are seeded
UNUSABLE = "!"  # an unusable password hash: customers never log in here


def pg_params():
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password or None,
    }


def maintenance(sql):
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **pg_params()) as conn:
        conn.execute(sql)


def setup_django():
    p = pg_params()
    auth = p["user"] + (f":{p['password']}" if p["password"] else "")
    os.environ["DATABASE_URL"] = f"postgres://{auth}@{p['host']}:{p['port']}/{DATABASE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django
    from django.conf import settings

    settings.ROOT_URLCONF = "example_site.urls"  # the admin, not bench/urls.py's single view
    django.setup()


def copy_rows(cursor, table, columns, rows, chunk_rows=20_000):
    """COPY ``rows`` (any iterable) into ``table``, a chunk at a time: memory stays flat at any size."""
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        buffer, count = io.StringIO(), 0
        for row in rows:
            buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
            count += 1
            if count % chunk_rows == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


SEARCH_TRIGGER_TABLES = ("wagtail_support_ticket", "wagtail_support_message")


def search_backfill(cursor):
    """Fill every ticket's search document as migration 0020's ``REBUILD`` does (the documents' own
    table, one row per ticket), then its GIN index. Returns (seconds for the INSERT, seconds for the
    index)."""
    from importlib import import_module

    migration = import_module("wagtail_support.migrations.0020_ticket_search_table")
    started = time.perf_counter()
    cursor.execute("DROP INDEX IF EXISTS wsupport_search_document")
    cursor.execute(migration.REBUILD)  # the very statement the migration's rebuild runs
    updated = time.perf_counter()
    cursor.execute(migration.INDEX)
    return updated - started, time.perf_counter() - updated


def seed(tickets, per_ticket):
    import random
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from wagtail_support.models import Entitlement, Installation, Purchase, SupportedProduct
    from wagtail_support.setup import ensure_groups

    rng = random.Random(42)
    User = get_user_model()
    agent = User.objects.create_user("agent", "agent@example.com", "x", first_name="Agnes", last_name="Agent")
    ensure_groups()  # as `support_setup --groups` does: installing the app grants no rights
    agent.groups.add(Group.objects.get(name="Support agents"))
    products = [
        SupportedProduct.objects.create(name=f"Product {i}", kind=k)
        for i, k in enumerate(["theme", "plugin", "hosting", "service"])
    ]
    now = timezone.now()
    first_names = "Dana Ana Ben Chen Eva Farid Greta Hugo Ines Jon Kira Luis Mia Nils Omar Pia".split()
    last_names = "Buyer Garcia Smith Novak Ito Berg Silva Khan Moreau Rossi Weber Costa".split()
    customers = User.objects.bulk_create(
        User(
            username=f"customer{i}",
            email=f"customer{i}@example.com",
            first_name=first_names[i % len(first_names)],
            last_name=last_names[(i // len(first_names)) % len(last_names)],
            password=UNUSABLE,
        )
        for i in range(2000)
    )
    purchases = Purchase.objects.bulk_create(
        Purchase(source="bench", external_id=str(c.pk), email=c.email, customer=c, purchased_at=now)
        for c in customers
    )
    entitlements = Entitlement.objects.bulk_create(
        Entitlement(
            purchase=p,
            customer=p.customer,
            product=products[i % 4],
            support_until=(now + timedelta(days=300)).date(),
        )
        for i, p in enumerate(purchases)
    )
    Installation.objects.bulk_create(
        Installation(entitlement=e, domain=f"shop{i}.example.net") for i, e in enumerate(entitlements)
    )
    words = (
        "header menu checkout payment cache plugin theme update error blank slow login email image "
        "widget mobile font layout sidebar footer invoice domain dns certificate backup"
    ).split()
    statuses = ["new", "awaiting_staff", "awaiting_customer", "closed", "closed", "closed"]
    timings = {}
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table in SEARCH_TRIGGER_TABLES:  # filled afterwards, by migration 0020's REBUILD
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")

        def ticket_rows():
            for i in range(tickets):
                e = entitlements[i % len(entitlements)]
                created = now - timedelta(minutes=rng.randint(0, 525600))
                status = statuses[rng.randrange(6)]
                answered = created + timedelta(hours=rng.randint(1, 30)) if status != "new" else None
                yield (
                    e.customer_id,
                    e.pk,
                    e.product_id,
                    " ".join(rng.sample(words, 4)).capitalize(),
                    status,
                    rng.choice([10, 20, 20, 30, 40]),
                    agent.pk if rng.random() < 0.3 else None,
                    created.isoformat(),
                    (created + timedelta(hours=rng.randint(0, 200))).isoformat(),
                    (created + timedelta(hours=24)).isoformat(),
                    answered.isoformat() if answered else None,
                    (created + timedelta(days=3)).isoformat() if status == "closed" else None,
                    "t" if status in ("new", "awaiting_staff") else "f",
                    "f",
                    rng.randint(1, 5) if status == "closed" and rng.random() < 0.3 else None,
                    "",
                )

        started = time.perf_counter()
        copy_rows(
            raw,
            "wagtail_support_ticket",
            [
                "customer_id",
                "entitlement_id",
                "product_id",
                "title",
                "status",
                "priority",
                "assignee_id",
                "created_at",
                "last_activity_at",
                "first_response_due_at",
                "first_response_at",
                "closed_at",
                "unread_by_staff",
                "unread_by_customer",
                "satisfaction",
                "satisfaction_comment",
            ],
            ticket_rows(),
        )
        timings["tickets (COPY)"] = time.perf_counter() - started
        progress(timings)
        cursor.execute("SELECT id, customer_id, created_at FROM wagtail_support_ticket")
        ticket_rows = cursor.fetchall()

        def messages():
            for pk, customer_id, created in ticket_rows:
                for n in range(per_ticket):
                    body = " ".join(rng.choices(words, k=rng.randint(8, 30)))
                    staff = n % 2 == 1
                    yield (
                        pk,
                        agent.pk if staff else customer_id,
                        body,
                        f"<p>{body}</p>",
                        "t" if staff else "f",
                        "f",
                        (created + timedelta(hours=n)).isoformat(),
                    )

        started = time.perf_counter()
        copy_rows(
            raw,
            "wagtail_support_message",
            ["ticket_id", "author_id", "body", "body_html", "from_staff", "is_internal", "created_at"],
            messages(),
        )
        timings["messages (COPY)"] = time.perf_counter() - started
        progress(timings)
        for table in SEARCH_TRIGGER_TABLES:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        timings["search backfill: INSERT"], timings["search backfill: GIN index"] = search_backfill(cursor)
        progress(timings)
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        timings["VACUUM ANALYZE"] = time.perf_counter() - started
        progress(timings)
    return agent, timings


def progress(timings):
    """One line per seeding step as it ends, so a long run shows how far it got."""
    step, seconds = list(timings.items())[-1]
    print(f"  .. {step}: {seconds:.1f} s", flush=True)


WARM_UP = 5


def time_views(client, urls, repeat):
    """Median and p95 in ms for each URL. The views take turns (one request each per round), so a
    slower spell of a shared machine weighs on every view alike rather than on whichever ran then."""
    for url in urls:
        for _ in range(WARM_UP):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
    gc.collect()
    durations = {url: [] for url in urls}
    for _ in range(repeat):
        for url in urls:
            started = time.perf_counter()
            client.get(url)
            durations[url].append((time.perf_counter() - started) * 1000)
    return {
        url: (statistics.median(d), statistics.quantiles(d, n=100, method="inclusive")[94])
        for url, d in durations.items()
    }


def write_json(path, client, cases, timings, meta):
    """The figures as ``{"meta": …, "results": [{"view", "median_ms", "p95_ms", "queries"}]}``; the
    query count is one more request to each view, after the timed ones."""
    import json

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = []
    for label, url, _ in cases:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        median, p95 = timings[url]
        results.append(
            {"view": label, "median_ms": round(median, 1), "p95_ms": round(p95, 1), "queries": len(queries)}
        )
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"meta": meta, "results": results}, handle, indent=1)


def python_speed():
    """The machine's speed at the time, for comparing runs: ms for 3 million additions (median of 5)."""
    runs = []
    for _ in range(5):
        started, total = time.perf_counter(), 0
        for i in range(3_000_000):
            total += i
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def main():
    global DATABASE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--messages-per-ticket", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database", default=DATABASE, help="the database to create, use and drop")
    parser.add_argument("--explain", action="store_true", help="print the plan of the search query")
    parser.add_argument(
        "--keep", action="store_true", help="keep the seeded database and reuse it if it exists (profiling)"
    )
    parser.add_argument("--profile", metavar="URL", help="profile one admin URL with cProfile and stop")
    parser.add_argument(
        "--profile-filter", metavar="REGEX", help="with --profile: list only the functions matching REGEX"
    )
    parser.add_argument(
        "--json",
        metavar="FILE",
        help="also write the figures and query counts as JSON (bench/versus_helpdesk.py)",
    )
    args = parser.parse_args()
    DATABASE = args.database
    try:
        if not args.keep:
            maintenance(f"DROP DATABASE IF EXISTS {DATABASE}")
        maintenance(f"CREATE DATABASE {DATABASE}")
    except Exception as error:  # noqa: BLE001 - report any setup failure plainly
        if not args.keep:
            print(f"setup failed: {error}", file=sys.stderr)
            return 1
    try:
        setup_django()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        migrated = time.perf_counter()
        print(f"  .. migrate: {migrated - started:.1f} s", flush=True)
        from django.contrib.auth import get_user_model

        from wagtail_support.tickets.models import Message, Ticket

        seed_timings = {}
        if args.keep and Ticket.objects.exists():
            agent = get_user_model().objects.get(username="agent")
        else:
            agent, seed_timings = seed(args.tickets, args.messages_per_ticket)
        seeded = time.perf_counter()

        from django.test.utils import override_settings

        tokens = {"HEALTH_TOKEN": "bench", "METRICS_TOKEN": "bench"}
        override_settings(WAGTAIL_SUPPORT={**settings.WAGTAIL_SUPPORT, **tokens}).enable()
        client = Client(headers={"Authorization": "Bearer bench"})  # the health details and the metrics
        client.force_login(agent)
        index = reverse("wagtail_support_tickets:index")
        some = (
            Ticket.objects.filter(status="awaiting_staff")
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        from wagtail_support.models import Purchase

        order = Purchase.objects.order_by("pk").values_list("external_id", flat=True)[42]
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        print(
            f"PostgreSQL {version}, database {DATABASE}; {Ticket.objects.count():,} tickets, "
            f"{Message.objects.count():,} messages; migrate {migrated - started:.1f} s, "
            f"seed {seeded - migrated:.1f} s in all"
        )
        print(
            "  " + "; ".join(f"{step} {seconds:.1f} s" for step, seconds in seed_timings.items()), flush=True
        )
        with connection.cursor() as cursor:
            sizes = []
            for table in ("wagtail_support_ticket", "wagtail_support_ticketsearchdocument"):
                cursor.execute(
                    "SELECT pg_size_pretty(pg_relation_size(%s)), pg_size_pretty(pg_total_relation_size(%s))",
                    [table, table],
                )
                heap, total = cursor.fetchone()
                sizes.append(f"{table} {heap} (with indexes and TOAST {total})")
        print("  table sizes: " + "; ".join(sizes), flush=True)
        print(
            f"each view: {WARM_UP} warm-up requests, then {args.repeat} timed, the views taking turns; "
            "django.test.Client as a support agent"
        )
        cases = [
            ("queue, default", index, QUEUE_TARGET_MS),
            (
                "queue results only (filter/page refresh)",
                reverse("wagtail_support_tickets:index_results"),
                QUEUE_TARGET_MS,
            ),
            ("queue, open + unassigned", index + "?status=open&assignee=unassigned", QUEUE_TARGET_MS),
            ("queue, overdue", index + "?overdue=true", QUEUE_TARGET_MS),
            ("queue, mine + high priority", index + "?assignee=mine&priority=30", QUEUE_TARGET_MS),
            ("queue, search 'checkout'", index + "?q=checkout", SEARCH_TARGET_MS),
            ("queue, search 'certificate backup'", index + "?q=certificate+backup", SEARCH_TARGET_MS),
            ("queue, search customer e-mail", index + "?q=customer42%40example.com", SEARCH_TARGET_MS),
            ("queue, search e-mail fragment", index + "?q=customer42%40", SEARCH_TARGET_MS),
            ("queue, search customer first name", index + "?q=Dana", SEARCH_TARGET_MS),
            ("queue, search customer full name", index + "?q=Dana+Buyer", SEARCH_TARGET_MS),
            ("queue, search site domain", index + "?q=shop42.example.net", SEARCH_TARGET_MS),
            ("queue, search order id", index + f"?q={order}", SEARCH_TARGET_MS),
            ("queue, search reference", index + f"?q=SUP-{1000 + some}", SEARCH_TARGET_MS),
            ("ticket screen", reverse("wagtail_support_tickets:inspect", args=[some]), None),
            ("dashboard (home with panel)", reverse("wagtailadmin_home"), None),
            ("health endpoint, details", reverse("wagtail_support:health"), None),
            ("metrics scrape", reverse("wagtail_support:metrics"), None),
            # What any admin page costs before its content: Wagtail's sidebar, header, session, permissions.
            ("floor: an empty Wagtail listing", reverse(CANNED_LISTING), None),
        ]
        if args.profile:
            import cProfile
            import pstats

            client.get(args.profile)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(5):
                client.get(args.profile)
            profiler.disable()
            restrictions = [args.profile_filter] if args.profile_filter else []
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(*restrictions, 40)
            return 0
        if args.explain:
            from wagtail_support.staff.search import search_tickets

            sql, params = (
                search_tickets(Ticket.objects.all(), "checkout")
                .order_by("-last_activity_at")[:50]
                .query.sql_with_params()
            )
            from wagtail_support.staff.paginator import COUNT_CAP
            from wagtail_support.staff.panels import queue_counts
            from wagtail_support.tickets.models import OPEN_STATUSES

            count_sql = (
                Ticket.objects.filter(status__in=OPEN_STATUSES, assignee__isnull=True)
                .order_by()[: COUNT_CAP + 1]
                .query.sql_with_params()
            )
            with connection.cursor() as cursor:
                for label, (statement, values) in (
                    ("search 'checkout'", (sql, params)),
                    ("a dashboard count", count_sql),
                ):
                    cursor.execute("EXPLAIN ANALYZE " + statement, values)
                    print(f"-- {label}\n" + "\n".join(row[0] for row in cursor.fetchall()))
            print("dashboard counts:", queue_counts(agent))
        before = python_speed()
        timings = time_views(client, [url for _, url, _ in cases], args.repeat)
        for label, url, target in cases:
            median, p95 = timings[url]
            verdict = (
                ""
                if target is None
                else (f"target median < {target:g} ms  {'PASS' if median < target else 'MISS'}")
            )
            print(f"  {label:42s} median {median:7.1f} ms   p95 {p95:7.1f} ms   {verdict}")
        after = python_speed()
        print(
            f"machine speed, 3 million Python additions: {before:.0f} ms before, "
            f"{after:.0f} ms after (lower is faster)"
        )
        if args.json:
            write_json(
                args.json,
                client,
                cases,
                timings,
                {
                    "tickets": args.tickets,
                    "python_speed_ms": [round(before), round(after)],
                    "loadavg_1min": round(os.getloadavg()[0], 2),
                },
            )
        connection.close()
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may not be set up
            pass
        if not args.keep:
            maintenance(f"DROP DATABASE IF EXISTS {DATABASE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
