"""Faults under load: a killed worker, a database fault and a cache outage, with 50 customers at work.

Run from the repository root (PostgreSQL on 127.0.0.1:5432, Redis on 6379, ``redis-server`` on PATH)::

    .venv/bin/python bench/faults.py [--customers 50] [--seconds 150] [--web-workers 2]

Everything listens on 127.0.0.1 and is started, and stopped, by this script (also on Ctrl+C or error):

* PostgreSQL database ``bench_faults`` (host, port and user of DATABASE_URL), created, migrated, dropped.
* The cache: a ``redis-server`` of its own on a spare port (so the outage never touches the machine's
  Redis on 6379); settings ``bench.faults_settings``.
* The example site under gunicorn (``--web-workers`` processes, 4 threads each).
* Celery on the machine's Redis (db 14), a queue of this run's own, one real worker (``--pool=solo``).
* An SMTP sink (``tests.smtp_sink``) counting every message by its Message-ID (derived from the
  outbox row's dedupe key).

Seeded: ``--customers`` buyers through ``record_purchase`` (a hosting product with support), each with a
password. Then one thread per customer, each with its own session, logs in through the log-in page and,
until the time is up, opens a ticket with a PNG attachment, replies, closes, reopens, replies again.
Meanwhile, in turn:

(a) the worker is SIGKILLed while the sink holds a message (recorded, "250" not yet said), then restarted;
(b) ``pg_terminate_backend`` of every backend of the web and the worker, twice, 1 s apart;
(c) the cache Redis is stopped for ``--outage`` s, then started again.

Afterwards the worker and ``manage.py support_send_notifications`` settle the outbox (past the sending
timeout of ``bench.faults_settings``), and the script prints and checks:

* no 500 after a committed write: for each POST answered 500, whether its write landed (the ticket by its
  title, the reply by its text, close/reopen by the ticket's status, read at once by the customer's thread);
* no duplicate at the sink (one Message-ID delivered twice);
* no silent row: every row not sent is one that ``outbox.needs_a_person_count()`` counts (the figure the
  admin's Support menu, outbox screen and dashboard show);
* no row left unsent that is not counted either (pending, or "sending" within the timeout).

It also prints requests/s and p50/p99 latency. Exit status 1 when a rule fails or setup failed.
"""

import argparse
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.faults_customers import Customer, Results, admin_shows, png_bytes, seed  # noqa: E402
from bench.notify_latency import DEFAULT_BROKER, SetupError, Worker, log, out, wait_until  # noqa: E402
from bench.purchases import Database as PurchasesDatabase  # noqa: E402

PG_DATABASE = "bench_faults"


class Database(PurchasesDatabase):
    """PostgreSQL ``bench_faults`` (or ``name``), on the host and user of DATABASE_URL; no other database
    is touched."""

    def __init__(self, name=PG_DATABASE):
        super().__init__()
        self.name = name
        self.url = self.parts._replace(path=f"/{name}").geturl()

    def _run(self, *statements):
        import psycopg
        from psycopg import sql

        with psycopg.connect(**self.maintenance_kwargs(), autocommit=True) as conn:
            for statement in statements:
                conn.execute(sql.SQL(statement).format(sql.Identifier(self.name)))

    def maintenance_kwargs(self):
        return {
            "host": self.parts.hostname or "127.0.0.1",
            "port": self.parts.port or 5432,
            "user": self.parts.username or "postgres",
            "password": self.parts.password or None,
            "dbname": "postgres",
            "connect_timeout": 5,
        }

    def terminate_backends(self):
        """``pg_terminate_backend`` of every connection to the database but ours; returns how many."""
        import psycopg

        with psycopg.connect(**self.maintenance_kwargs(), autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.name],
            ).fetchall()
        return len(rows)


def spare_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Process:
    """A child process with its log under var/; stopped with SIGTERM, then SIGKILL."""

    def __init__(self, name, command, env, run_id):
        self.name, self.command, self.env = name, command, env
        self.log_path = ROOT / "var" / f"bench-faults-{run_id}-{name}.log"
        self.process = None

    def start(self):
        self.log_path.parent.mkdir(exist_ok=True)
        with open(self.log_path, "a") as log_file:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log_file, stderr=subprocess.STDOUT
            )
        return self

    def stop(self, timeout=20):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def wait_for_port(port, timeout, process):
    def listening():
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port)) == 0

    if not wait_until(listening, timeout, interval=0.1) or process.process.poll() is not None:
        raise SetupError(f"{process.name} did not start; see {process.log_path}")


# -- faults -------------------------------------------------------------------------------------


def kill_worker_mid_send(worker, sink, timeout=60):
    """SIGKILL the worker while the sink holds a message it recorded but has not answered yet.

    Returns ``(held, seconds waited)``; killed in any case, so that one worker runs at a time.
    """
    holding = threading.Event()
    started = time.monotonic()
    with sink.handler.lock:
        sink.handler.delay = 2.0
        sink.handler.on_accept = holding.set
    try:
        held = holding.wait(timeout)
        worker.process.send_signal(signal.SIGKILL)
        worker.process.wait(10)
        worker.stop()  # closes its log
        return held, time.monotonic() - started
    finally:
        with sink.handler.lock:
            sink.handler.on_accept = None
            sink.handler.delay = 0.0


class CacheRedis:
    def __init__(self, run_id, env):
        self.port = spare_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = Process(
            "cache-redis",
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            env,
            run_id,
        )

    def start(self):
        self.proc.start()
        wait_for_port(self.port, 10, self.proc)

    def stop(self):
        self.proc.stop()


# -- main ---------------------------------------------------------------------------------------


def percentile(values, p):
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def settle(env, sink, timeout):
    """Let the worker and the sweep send or settle every row; returns when none is pending or sending."""
    from django.db.models import Q

    from wagtail_support.notifications.models import Notification, NotificationStatus

    deadline = time.monotonic() + timeout
    command = [sys.executable, "manage.py", "support_send_notifications"]
    while time.monotonic() < deadline:
        subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=False, timeout=120)  # noqa: S603
        open_rows = Notification.objects.filter(
            Q(status=NotificationStatus.PENDING) | Q(status=NotificationStatus.SENDING)
        ).count()
        if not open_rows:
            return
        time.sleep(2)


def report(results, seconds, sink, base):
    from wagtail_support.notifications import outbox
    from wagtail_support.notifications.models import Notification, NotificationStatus

    failures = []
    durations = sorted(d for _, _, d in results.requests)
    statuses = Counter(status for _, status, _ in results.requests)
    by_kind = Counter((kind, status) for kind, status, _ in results.requests)
    out(f"requests        {len(durations)} in {seconds:.0f} s = {len(durations) / seconds:.1f}/s")
    if durations:
        out(
            f"latency         p50 {percentile(durations, 50) * 1000:.0f} ms, "
            f"p99 {percentile(durations, 99) * 1000:.0f} ms, max {durations[-1] * 1000:.0f} ms"
        )
    out("status codes    " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    for (kind, status), n in sorted(by_kind.items()):
        out(f"    {kind:<12} {status}: {n}")
    for kind, n in sorted(results.errors.items()):
        out(f"    no answer: {kind}: {n}")
    out(
        "500s, write not landed: "
        + (", ".join(f"{k} {n}" for k, n in sorted(results.not_landed_500.items())) or "0")
        + " (a fault before COMMIT: the customer may try again)"
    )
    out(f"500s after a committed write: {len(results.after_commit_500)}   (rule: 0)")
    for kind, detail in results.after_commit_500[:10]:
        out(f"    {kind}: {detail}")
    if results.after_commit_500:
        failures.append("a 500 after a committed write")
    if any(key.startswith("harness") for key in results.errors):
        failures.append("the harness itself failed")

    with sink.handler.lock:
        ids = Counter(str(message["Message-ID"]) for message in sink.handler.messages)
    duplicates = sum(n - 1 for n in ids.values() if n > 1)
    out(
        f"e-mails at the sink: {sum(ids.values())}, distinct Message-IDs {len(ids)}, "
        f"duplicates {duplicates}   (rule: 0)"
    )
    if duplicates:
        failures.append("a duplicate e-mail")

    counts = Counter(Notification.objects.values_list("status", flat=True))
    counted = outbox.needs_a_person_count()
    flagged = set(outbox.needs_a_person().values_list("pk", flat=True))
    unsent = Notification.objects.exclude(status=NotificationStatus.SENT)
    silent = [row for row in unsent if row.pk not in flagged]
    out("outbox rows     " + ", ".join(f"{s}: {n}" for s, n in sorted(counts.items())))
    shown = admin_shows(base, counted)
    out(f"need a person   {counted} (needs_a_person_count()); the admin's Support menu shows it: {shown}")
    if not shown:
        failures.append("rows that need a person are not shown in the admin")
    for row in unsent.filter(pk__in=flagged)[:10]:
        out(f"    #{row.pk} {row.kind} {row.status}: {row.last_error[:100]}")
    out(f"silent rows     {len(silent)}   (rule: 0; not sent and not counted)")
    for row in silent[:10]:
        out(f"    #{row.pk} {row.kind} {row.status} attempts {row.attempts}: {row.last_error[:100]}")
    if silent:
        failures.append("a silent outbox row")
    out(f"rows never sent {unsent.count()} ({counted} counted for a person, {len(silent)} silent)")
    return failures


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--customers", type=int, default=50, help="simulated customers (default 50)")
    parser.add_argument("--seconds", type=float, default=150, help="time under load (default 150)")
    parser.add_argument("--outage", type=float, default=10, help="seconds the cache is down (default 10)")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn processes (default 2)")
    parser.add_argument("--sending-timeout", type=int, default=15, help="outbox sending timeout, s")
    parser.add_argument(
        "--broker", default=DEFAULT_BROKER, help=f"Celery broker, Redis or amqp:// (default {DEFAULT_BROKER})"
    )
    parser.add_argument("--database", default=PG_DATABASE, help=f"database name (default {PG_DATABASE})")
    parser.add_argument("--keep-logs", action="store_true", help="keep the logs under var/")
    args = parser.parse_args(argv)
    if args.customers < 1 or args.seconds < 10:
        parser.error("--customers must be at least 1 and --seconds at least 10")
    return args


def main(argv=None):  # noqa: PLR0915 - one straight story: set up, load, faults, settle, report
    args = parse_args(argv)
    run_id = f"{os.getpid()}-{secrets.token_hex(3)}"
    queue = f"wagtail-support-bench-faults-{run_id}"
    started_at = time.monotonic()
    database = created = worker = web = cache_redis = sink = redis_client = None
    stop = threading.Event()
    failures = ["setup"]
    processes = []
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
            "BENCH_SENDING_TIMEOUT": str(args.sending_timeout),
        }
        if args.broker.startswith("amqp"):  # RabbitMQ: this run's queue is deleted at the end
            from kombu import Connection

            try:
                with Connection(args.broker, connect_timeout=2) as conn:
                    conn.ensure_connection(max_retries=1, interval_start=0)
            except Exception as error:
                raise SetupError(f"RabbitMQ broker {args.broker} is not reachable: {error}") from error
        else:
            import redis

            redis_client = redis.Redis.from_url(args.broker, socket_connect_timeout=2)
            try:
                redis_client.ping()
            except redis.RedisError as error:
                raise SetupError(f"Redis broker {args.broker} is not reachable: {error}") from error
        cache_redis = CacheRedis(run_id, env)
        env["BENCH_CACHE_URL"] = cache_redis.url
        os.environ.update(env)
        cache_redis.start()
        processes.append(cache_redis.proc)
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
        worker = Worker(name="faults", queue=queue, sink=sink, env=worker_env, pool="solo", smtp_timeout=10)
        worker.start()
        web_port = spare_port()
        web = Process(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "example_site.wsgi",
                "--bind",
                f"127.0.0.1:{web_port}",
                "--workers",
                str(args.web_workers),
                "--threads",
                "4",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            worker.env,  # the same e-mail settings: a view may send (e.g. a password reset) in eager mode
            run_id,
        ).start()
        processes.append(web)
        wait_for_port(web_port, 30, web)
        sweep_env = worker.env

        import celery
        import gunicorn
        import wagtail

        out("wagtail-support faults under load")
        out(
            f"  {args.customers} customers for {args.seconds:g} s on gunicorn {gunicorn.__version__} "
            f"({args.web_workers} processes x 4 threads), PostgreSQL {database.name}, cache redis-server "
            f":{cache_redis.port}, Celery {celery.__version__} (1 solo worker, {args.broker}), SMTP sink"
        )
        out(
            f"  Wagtail {wagtail.__version__}, Django {django.get_version()}, "
            f"Python {sys.version.split()[0]}, "
            f"{os.cpu_count()} CPUs"
        )

        results = Results()
        png = png_bytes()
        base = f"http://127.0.0.1:{web_port}"
        threads = [
            Customer(i, email, entitlement, base, support_path, stop, results, png)
            for i, (email, entitlement) in enumerate(customers)
        ]
        load_start = time.monotonic()
        for thread in threads:
            thread.start()
        failures = []

        def at(fraction):
            pause = load_start + args.seconds * fraction - time.monotonic()
            if pause > 0:
                time.sleep(pause)

        at(0.15)
        log("(a) SIGKILL of the worker mid-send")
        held, waited = kill_worker_mid_send(worker, sink)
        out(f"(a) worker SIGKILLed while the sink held a message: {held} (after {waited:.1f} s); restarted")
        worker = Worker(name="faults2", queue=queue, sink=sink, env=worker_env, pool="solo", smtp_timeout=10)
        worker.start()
        at(0.4)
        log("(b) pg_terminate_backend of the web's and the worker's connections")
        terminated = database.terminate_backends()
        time.sleep(1)
        terminated += database.terminate_backends()
        out(f"(b) database fault: {terminated} backends terminated (twice, 1 s apart)")
        at(0.6)
        log(f"(c) cache outage for {args.outage:g} s")
        cache_redis.stop()
        time.sleep(args.outage)
        cache_redis.start()
        out(f"(c) cache Redis stopped for {args.outage:g} s, then started again (empty)")
        at(1.0)
        stop.set()
        for thread in threads:
            thread.join(70)
        load_seconds = time.monotonic() - load_start

        log("settling the outbox: worker, then support_send_notifications past the sending timeout")
        time.sleep(args.sending_timeout + 2)
        settle(sweep_env, sink, timeout=60 + args.sending_timeout)
        out()
        failures = report(results, load_seconds, sink, base)
        out()
        out(f"total run time {time.monotonic() - started_at:.0f} s")
        out("PASS" if not failures else "FAIL: " + ", ".join(failures))
    except SetupError as error:
        print(f"SETUP FAILED: {error}", file=sys.stderr, flush=True)
        failures = ["setup"]
    except KeyboardInterrupt:
        print("interrupted; stopping everything", file=sys.stderr, flush=True)
        failures = ["interrupted"]
    finally:
        signal.signal(signal.SIGTERM, previous_sigterm)
        stop.set()
        for process in (web, worker):
            if process is not None:
                process.stop()
        if sink is not None:
            sink.stop()
        for process in processes:
            process.stop()
        if "django" in sys.modules and created:
            from django.db import connections

            connections.close_all()
        if args.broker.startswith("amqp"):
            try:
                from kombu import Connection

                with Connection(args.broker, connect_timeout=2) as conn:
                    conn.default_channel.queue_delete(queue)
            except Exception as error:
                print(f"warning: could not delete this run's RabbitMQ queue: {error}", file=sys.stderr)
        if redis_client is not None:
            try:
                keys = list(redis_client.scan_iter(match=f"*{queue}*"))
                if keys:
                    redis_client.delete(*keys)
            except Exception as error:
                print(f"warning: could not delete this run's Redis keys: {error}", file=sys.stderr)
        if created:
            try:
                database.drop()
            except Exception as error:
                print(f"warning: could not drop {database.name}: {error}", file=sys.stderr)
        logs = sorted((ROOT / "var").glob(f"bench-*{run_id}*.log"))
        for path in logs:
            if failures or args.keep_logs:
                print(f"log kept: {path}", file=sys.stderr)
            else:
                path.unlink(missing_ok=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
