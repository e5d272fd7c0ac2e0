"""Customer pages under load: 50 customers at work on the example site, no faults.

Run from the repository root (PostgreSQL on 127.0.0.1:5432, Redis on 6379)::

    .venv/bin/python bench/customer_load.py [--customers 50] [--seconds 60] [--web-workers 3]

Everything listens on 127.0.0.1 and is started, and stopped, by this script (also on Ctrl+C or error):

* PostgreSQL database ``bench_customer_load`` (host, port and user of DATABASE_URL), created, migrated,
  dropped; settings ``bench.faults_settings`` (the example site's pages, rate limits raised for one address).
* The cache on the machine's Redis (``--cache``, db 13 unless told); Celery on ``--broker`` (db 14 unless
  told), a queue of this run's own, one real worker (``--pool=solo``); an SMTP sink counting Message-IDs.
* The example site under gunicorn: ``--web-workers`` sync processes (one thread each).

Seeded: ``--customers`` buyers through ``record_purchase``, each with a password. Then one thread per
customer, each with its own session, logs in and, until ``--seconds`` have passed, loops: My tickets, the
new-ticket form, a new ticket (with a PNG), the ticket page, a reply, My tickets again. Bounded: the
threads stop at the deadline and every request times out after 60 s.

It prints requests per second, p50/p95 per page, and the e-mails: expected (outbox rows written), sent
(distinct Message-IDs at the sink) and duplicated (extra copies of one Message-ID). Target on a 2-core
machine: >= 60 requests/s, p95 < 1 s on every page, none lost or doubled. Exit status 1 when setup failed.
"""

import argparse
import os
import secrets
import signal
import sys
import threading
import time
import warnings
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.faults import Database, Process, percentile, settle, spare_port, wait_for_port  # noqa: E402
from bench.faults_customers import Customer, Results, png_bytes, seed  # noqa: E402
from bench.notify_latency import DEFAULT_BROKER, SetupError, Worker, log, out, verdict  # noqa: E402

PG_DATABASE = "bench_customer_load"
TARGET_RPS = 60
TARGET_P95_S = 1.0


class Shopper(Customer):
    """A customer reading and writing tickets: the pages a customer opens most."""

    def run(self):
        try:
            while not self.stop_event.is_set():
                if self.session is None and not self.log_in():
                    self.session = None
                    self.stop_event.wait(1)
                    continue
                self.count += 1
                self.request("My tickets", "GET", self.support_path)
                self.request("new-ticket form", "GET", f"{self.support_path}new/")
                title = f"Load {self.index}-{self.count} {secrets.token_hex(4)}"
                response = self.post(
                    "new ticket (POST)",
                    f"{self.support_path}new/",
                    {"product": self.entitlement_id, "title": title, "description": "It broke."},
                    check=lambda: False,
                    files={"attachments": ("screen.png", self.png, "image/png")},
                )
                if response is None or response.status_code != 302:
                    continue
                ticket_path = urlsplit(response.headers["Location"]).path
                self.request("ticket page", "GET", ticket_path)
                self.post(
                    "reply (POST)", ticket_path + "reply/", {"body": "More detail."}, check=lambda: False
                )
        except Exception as error:  # a bug of the harness, not of the site: reported, never hidden
            with self.results.lock:
                self.results.errors[f"harness: {type(error).__name__}: {error}"] += 1


def report(results, seconds, sink):
    from wagtail_support.notifications.models import Notification

    durations = defaultdict(list)
    for kind, _status, duration in results.requests:
        durations[kind].append(duration)
    total = len(results.requests)
    rate = total / seconds
    statuses = Counter(status for _, status, _ in results.requests)
    out(
        f"requests   {total} in {seconds:.0f} s = {rate:.1f}/s   target >= {TARGET_RPS}/s   "
        f"{verdict(rate >= TARGET_RPS)}"
    )
    out("statuses   " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    worst = 0.0
    for kind, values in sorted(durations.items()):
        values.sort()
        p95 = percentile(values, 95)
        worst = max(worst, p95)
        out(
            f"    {kind:<18} {len(values):6d}   p50 {percentile(values, 50) * 1000:6.0f} ms   "
            f"p95 {p95 * 1000:6.0f} ms"
        )
    out(
        f"slowest p95 {worst * 1000:.0f} ms   target < {TARGET_P95_S * 1000:.0f} ms   "
        f"{verdict(worst < TARGET_P95_S)}"
    )
    for kind, n in sorted(results.errors.items()):
        out(f"    no answer: {kind}: {n}")
    with sink.handler.lock:
        ids = Counter(str(message["Message-ID"]) for message in sink.handler.messages)
    expected = Notification.objects.count()
    duplicated = sum(n - 1 for n in ids.values() if n > 1)
    out(
        f"e-mails    expected {expected} (outbox rows), sent {len(ids)} (distinct Message-IDs), "
        f"duplicated {duplicated}   {verdict(len(ids) == expected and not duplicated)}"
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--customers", type=int, default=50, help="simulated customers (default 50)")
    parser.add_argument("--seconds", type=float, default=60, help="time under load (default 60)")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn sync processes (default 3)")
    parser.add_argument("--broker", default=DEFAULT_BROKER, help=f"Celery broker (default {DEFAULT_BROKER})")
    parser.add_argument("--cache", default="redis://127.0.0.1:6379/13", help="cache Redis (db 13)")
    parser.add_argument("--database", default=PG_DATABASE, help=f"database name (default {PG_DATABASE})")
    args = parser.parse_args(argv)
    if args.customers < 1 or not 10 <= args.seconds <= 600:
        parser.error("--customers must be at least 1 and --seconds from 10 to 600")
    return args


def main(argv=None):
    args = parse_args(argv)
    run_id = f"{os.getpid()}-{secrets.token_hex(3)}"
    queue = f"wagtail-support-bench-load-{run_id}"
    database = created = worker = web = sink = None
    stop = threading.Event()
    status = 1
    previous_sigterm = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        database = Database(args.database)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "DJANGO_SETTINGS_MODULE": "bench.faults_settings",
            "DATABASE_URL": database.url,
            "BENCH_RUN_ID": run_id,
            "BENCH_BROKER_URL": args.broker,
            "BENCH_QUEUE": queue,
            "BENCH_CACHE_URL": args.cache,
        }
        os.environ.update(env)
        log(f"creating the database {database.name}")
        database.create()
        created = True

        import django

        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from tests.smtp_sink import SmtpSink

        log("migrating and seeding")
        call_command("migrate", interactive=False, verbosity=0)
        customers, support_path = seed(args.customers)
        connection.close()

        sink = SmtpSink().start()
        worker_env = {**env, "BENCH_RUN_ID": f"{run_id}-w"}
        worker = Worker(name="load", queue=queue, sink=sink, env=worker_env, pool="solo", smtp_timeout=10)
        worker.start()
        web_port = spare_port()
        command = [sys.executable, "-m", "gunicorn", "example_site.wsgi", "--bind", f"127.0.0.1:{web_port}"]
        command += ["--workers", str(args.web_workers), "--timeout", "60", "--graceful-timeout", "5"]
        web = Process("web", command, worker.env, run_id).start()
        wait_for_port(web_port, 30, web)

        out("wagtail-support customer pages under load")
        out(
            f"  {args.customers} customers for {args.seconds:g} s, gunicorn {args.web_workers} sync workers, "
            f"PostgreSQL {database.name}, Redis cache {args.cache}, 1 solo Celery worker, SMTP sink, "
            f"{os.cpu_count()} CPUs, Django {django.get_version()}"
        )
        results, png = Results(), png_bytes()
        base = f"http://127.0.0.1:{web_port}"
        threads = [
            Shopper(i, email, entitlement, base, support_path, stop, results, png)
            for i, (email, entitlement) in enumerate(customers)
        ]
        load_start = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(args.seconds)
        stop.set()
        for thread in threads:
            thread.join(70)
        load_seconds = time.monotonic() - load_start
        log("letting the worker send every e-mail")
        settle(worker.env, sink, timeout=120)
        out()
        report(results, load_seconds, sink)
        status = 0
    except SetupError as error:
        print(f"SETUP FAILED: {error}", file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        print("interrupted; stopping everything", file=sys.stderr, flush=True)
    finally:
        signal.signal(signal.SIGTERM, previous_sigterm)
        stop.set()
        for process in (web, worker):
            if process is not None:
                process.stop()
        if sink is not None:
            sink.stop()
        if "django" in sys.modules and created:
            from django.db import connections

            connections.close_all()
        if created:
            try:
                database.drop()
            except Exception as error:
                print(f"warning: could not drop {database.name}: {error}", file=sys.stderr)
        for path in sorted((ROOT / "var").glob(f"bench-*{run_id}*.log")):
            if status:
                print(f"log kept: {path}", file=sys.stderr)
            else:
                path.unlink(missing_ok=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
