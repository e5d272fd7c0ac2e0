"""How long a request that sends e-mail takes, and how long the e-mail then takes to arrive.

Run from the repository root::

    .venv/bin/python bench/notify_latency.py [--requests 50] [--smtp-delay 2] \
        [--messages 100] [--interval 0.1]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wagtail_support_bench \
        .venv/bin/python bench/notify_latency.py

Everything is real except the far end of the mail: Django with the ``bench.settings`` (the example
site's settings, ``ROOT_URLCONF = "bench.urls"``), the real Redis as Celery broker
(redis://127.0.0.1:6379/14 unless ``--broker``), real ``celery -A example_site worker --pool=solo``
processes (``--pool prefork`` runs them with ``--concurrency=2``), and an SMTP server on localhost
(``tests.smtp_sink.SmtpSink``, aiosmtpd) that the worker talks to through Django's SMTP backend.

Setup, done afresh on every run:

* Database: a new SQLite file ``var/bench-<run>.sqlite3`` (WAL, IMMEDIATE transactions, 20 s
  timeout, as in the example site, so the worker and this process can both write). When
  DATABASE_URL names PostgreSQL, its host, port and credentials are used but the database is always
  ``wagtail_support_bench``: it is dropped and created through psycopg (connected to the
  ``postgres`` maintenance database) and dropped again at the end, so no other database is ever
  touched. A ``sqlite:///`` DATABASE_URL is honoured only if the file does not exist yet. Either
  way the database is migrated with ``call_command("migrate")`` and removed at the end.
* Queues: every run has its own id; phase (a) uses queue ``wagtail-support-bench-<run>-a`` and
  phase (b) ``wagtail-support-bench-<run>-b``, so concurrent runs never take each other's tasks.
  Their Redis keys are deleted at the end.
* Workers: started with the same settings and environment as this process plus EMAIL_BACKEND
  (smtp), EMAIL_HOST/EMAIL_PORT of the sink and EMAIL_TIMEOUT; ready when their log says
  ``ready.``. Logs go to ``var/bench-<run>-worker-<a|b>.log``, kept on failure or ``--keep-logs``.

(a) Request latency while mail is slow. The sink answers each message after ``--smtp-delay`` s
    (the message is recorded first, then ``250`` comes late). A worker consumes queue (a). One
    priming request is sent (not counted: it loads the URLconf and opens the broker connection)
    and we wait until the worker has handed its message to the sink, so the worker is provably
    consuming and stuck in a slow SMTP conversation. Then ``--requests`` POSTs go to
    ``/bench/notify/`` (``bench/urls.py``: ``notify()`` inside ``transaction.atomic()``, 201 +
    JSON), one every ``--request-interval`` s, each timed in-process through Django's test
    ``Client`` (the full middleware stack and the on-commit hand-over to the dispatcher thread
    included, which publishes to Redis; no network hop to a web server). The output shows how
    much of the request window the worker spent inside a slow SMTP conversation and how long a
    send took it (claimed -> sent, from the rows).
    The worker falls behind, as expected.

Between the phases the backlog of (a) is removed: the worker of (a) is stopped (warm shutdown:
it finishes the message in hand, and Celery puts its unacknowledged prefetched task back in the
queue), then queue (a) is deleted from Redis. The rows of that backlog stay ``pending`` in the
outbox; nothing sweeps them (no beat runs), and phase (b) has its own queue, its own worker and its
own SMTP sink, so they cannot delay it.

(b) Commit-to-delivery latency. A fresh worker consumes queue (b) and a fresh sink answers at
    once. After one warm-up message has arrived (not counted), ``--messages`` notifications are
    committed one every ``--interval`` s (on a fixed schedule), each in its own
    ``transaction.atomic()``. The commit time is taken by an ``on_commit`` callback registered
    before ``notify()``'s own, i.e. right after COMMIT and before the row is handed over. It is
    matched by recipient address to the sink's ``received_at`` (time the DATA arrived).
    PASS needs every message to arrive and p95 under the target.

Percentiles are ``statistics.quantiles(..., method="inclusive")``. The exit status is 0 whenever the
measurements ran, PASS or MISS; 1 when setup (database, broker, worker, sink) failed.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_DATABASE = "wagtail_support_bench"
DEFAULT_BROKER = "redis://127.0.0.1:6379/14"
NOTIFY_PATH = "/bench/notify/"
REQUEST_TARGET_MS = 50.0
DELIVERY_TARGET_S = 1.0


class SetupError(Exception):
    """The benchmark could not be set up; nothing was measured."""


def log(message):
    print(f"  .. {message}", file=sys.stderr, flush=True)


def out(line=""):
    print(line, flush=True)


def percentile(values, p):
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def verdict(ok):
    return "PASS" if ok else "MISS"


# -- database -----------------------------------------------------------------------------------


class Database:
    """A database of this run's own: a fresh SQLite file, or PostgreSQL ``wagtail_support_bench``."""

    def __init__(self, run_id):
        url = os.environ.get("DATABASE_URL", "").strip()
        self.sqlite_path = None
        self.pg = None
        self.note = ""
        if not url:
            self.sqlite_path = ROOT / "var" / f"bench-{run_id}.sqlite3"
            self.url = f"sqlite:///{self.sqlite_path}"
            return
        parts = urlsplit(url)
        scheme = parts.scheme.split("+")[0]
        if scheme in {"postgres", "postgresql", "pgsql"}:
            requested = parts.path.lstrip("/")
            if requested and requested != PG_DATABASE:
                self.note = f"DATABASE_URL named {requested!r}; the benchmark always uses {PG_DATABASE!r}"
            self.url = parts._replace(path=f"/{PG_DATABASE}").geturl()
            self.pg = parts
        elif scheme == "sqlite":
            path = Path(url.split("sqlite:///", 1)[-1])
            if path.exists():
                raise SetupError(f"{path} exists; the benchmark wants a fresh SQLite file, not this one")
            self.sqlite_path = path
            self.url = url
        else:
            raise SetupError(f"unsupported DATABASE_URL scheme {parts.scheme!r} (use sqlite or postgres)")

    def _maintenance(self):
        import psycopg

        try:
            return psycopg.connect(
                host=self.pg.hostname or "127.0.0.1",
                port=self.pg.port or 5432,
                user=self.pg.username or "postgres",
                password=self.pg.password or None,
                dbname="postgres",
                autocommit=True,
                connect_timeout=5,
            )
        except psycopg.Error as error:
            raise SetupError(f"cannot connect to PostgreSQL: {error}") from error

    def create(self):
        if self.sqlite_path:
            self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            self._remove_sqlite()
            return
        from psycopg import sql

        with self._maintenance() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(PG_DATABASE)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PG_DATABASE)))

    def drop(self):
        if self.sqlite_path:
            self._remove_sqlite()
            return
        from psycopg import sql

        with self._maintenance() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(PG_DATABASE)))

    def _remove_sqlite(self):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)

    def describe(self):
        import sqlite3

        from django.db import connection

        if self.sqlite_path:
            return (
                f"SQLite {sqlite3.sqlite_version}, fresh file {self.sqlite_path.relative_to(ROOT)} "
                f"(WAL, IMMEDIATE transactions, timeout 20 s)"
            )
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        host = f"{self.pg.hostname or '127.0.0.1'}:{self.pg.port or 5432}"
        return f"PostgreSQL {version}, fresh database {PG_DATABASE} on {host}"


# -- worker -------------------------------------------------------------------------------------


class Worker:
    """A real ``celery -A example_site worker`` process on one queue, sending mail to ``sink``."""

    def __init__(self, *, name, queue, sink, env, pool, smtp_timeout):
        self.log_path = ROOT / "var" / f"bench-{env['BENCH_RUN_ID']}-worker-{name}.log"
        self.command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "example_site",
            "worker",
            f"--pool={pool}",
            *(["--concurrency=2"] if pool != "solo" else []),
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ]
        self.env = {
            **env,
            "BENCH_QUEUE": queue,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": sink.host,
            "EMAIL_PORT": str(sink.port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_TIMEOUT": str(smtp_timeout),
        }
        self.process = None
        self.log = None

    def start(self, timeout=45):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in self.log_path.read_text():
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise SetupError(f"Celery worker did not start (log {self.log_path}):\n{self.tail()}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # warm shutdown: the task in hand is finished first
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self.log is not None and not self.log.closed:
            self.log.close()

    def tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-lines:])
        except OSError:
            return "(no log)"


# -- phases -------------------------------------------------------------------------------------


def wait_until(predicate, timeout, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def sink_received(sink):
    """``[(recipient, received_at), ...]`` in arrival order, read under the sink's lock."""
    with sink.handler.lock:
        pairs = list(zip(sink.handler.messages, sink.handler.received_at, strict=True))
    return [(str(message["To"]).strip().lower(), received_at) for message, received_at in pairs]


def covered_fraction(intervals, start, end):
    """Share of ``[start, end]`` covered by the union of ``intervals``."""
    covered, cursor = 0.0, start
    for low, high in sorted(intervals):
        low, high = max(low, cursor), min(high, end)
        if high > low:
            covered += high - low
            cursor = high
    return covered / (end - start) if end > start else 1.0


def status_counts():
    from django.db.models import Count

    from wagtail_support.notifications.models import Notification

    rows = Notification.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
    return dict(rows)


def phase_a(args, sink, worker):
    from django.test import Client

    from wagtail_support.notifications.models import Notification, NotificationStatus

    client = Client()
    sink.set_delay(args.smtp_delay)

    started = time.perf_counter()
    response = client.post(NOTIFY_PATH, {"n": "0"})
    priming_ms = (time.perf_counter() - started) * 1000
    if response.status_code != 201:
        raise SetupError(f"priming request answered {response.status_code}: {response.content[:500]!r}")
    log("priming request sent; waiting for the worker to hand its message to the slow sink")
    if not wait_until(lambda: sink.handler.attempts >= 1, timeout=30):
        raise SetupError(
            "the worker of (a) never delivered to the sink (an 'unregistered task' in its log means "
            f"`celery -A example_site worker` does not find wagtail_support's tasks):\n{worker.tail()}"
        )

    log(f"sending {args.requests} requests, one every {args.request_interval} s")
    durations = []
    window_start = time.monotonic()
    for i in range(args.requests):
        pause = window_start + i * args.request_interval - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        started = time.perf_counter()
        response = client.post(NOTIFY_PATH, {"n": str(i + 1)})
        durations.append((time.perf_counter() - started) * 1000)
        if response.status_code != 201:
            raise SetupError(f"request {i + 1} answered {response.status_code}: {response.content[:500]!r}")
    window_end = time.monotonic()
    counts_at_end = status_counts()

    received = sink_received(sink)
    in_window = sum(1 for _, at in received if window_start <= at <= window_end)
    slow_share = covered_fraction(
        [(at, at + args.smtp_delay) for _, at in received], window_start, window_end
    )

    # Let the worker finish one more slow send, to show what a send costs it.
    wait_until(
        lambda: Notification.objects.filter(status=NotificationStatus.SENT).count() >= 2,
        timeout=args.smtp_delay * 2 + 5,
        interval=0.1,
    )
    send_times = [
        (sent - claimed).total_seconds()
        for claimed, sent in Notification.objects.filter(status=NotificationStatus.SENT).values_list(
            "claimed_at", "sent_at"
        )
    ]

    median = statistics.median(durations)
    p95 = percentile(durations, 95)
    window = window_end - window_start
    target = f"target < {REQUEST_TARGET_MS:g} ms"
    out(
        f"(a) Request that notifies, while the SMTP server takes {args.smtp_delay:g} s to answer each message"
    )
    out(f"    {args.requests} x POST {NOTIFY_PATH} -> 201, one every {args.request_interval:g} s")
    out("    timed in-process with django.test.Client: full middleware stack, view, notify(), COMMIT and")
    out("    the on-commit hand-over to the dispatcher thread (no web server, no network hop)")
    out(f"    median  {median:8.2f} ms   {target}   {verdict(median < REQUEST_TARGET_MS)}")
    out(f"    p95     {p95:8.2f} ms   (no target)")
    out(f"    min/max {min(durations):.2f} / {max(durations):.2f} ms")
    out(f"    priming request (not counted) {priming_ms:.2f} ms")
    out(
        f"    worker: in a slow SMTP conversation for {slow_share:.0%} of the {window:.2f} s request window;"
        f" {in_window} message(s) reached the sink during it"
    )
    if send_times:
        out(
            f"    worker send time (claimed -> sent) for {len(send_times)} sent row(s): "
            f"median {statistics.median(send_times):.2f} s"
        )
    counts = ", ".join(f"{status} {n}" for status, n in sorted(counts_at_end.items()))
    out(f"    outbox right after the last request: {counts} (the worker falls behind; expected)")
    out()


def purge_queue(redis_client, queue):
    """Delete ``queue`` (and its priority sub-queues) from Redis; returns how many tasks were in it."""
    keys = list(redis_client.scan_iter(match=f"{queue}*"))
    waiting = sum(redis_client.llen(key) for key in keys if redis_client.type(key) == b"list")
    if keys:
        redis_client.delete(*keys)
    return waiting


def phase_b(args, sink, worker):
    from django.conf import settings
    from django.db import transaction
    from django.test.utils import override_settings

    from wagtail_support.notifications.outbox import notify

    queue_settings = {**settings.WAGTAIL_SUPPORT, "CELERY_QUEUE": worker.env["BENCH_QUEUE"]}
    with override_settings(WAGTAIL_SUPPORT=queue_settings):
        with transaction.atomic():
            notify("test_message", "warmup-b@example.com", {"note": "warm-up"})
        log("warm-up message sent to (b); waiting for it at the sink")
        if not wait_until(lambda: len(sink.handler.messages) >= 1, timeout=30):
            raise SetupError(f"the worker of (b) never delivered the warm-up message:\n{worker.tail()}")
        sink.reset()

        log(f"committing {args.messages} notifications, one every {args.interval} s")
        committed = {}
        lock = threading.Lock()

        def record(recipient):
            at = time.monotonic()
            with lock:
                committed[recipient] = at

        schedule_start = time.monotonic()
        for i in range(args.messages):
            pause = schedule_start + i * args.interval - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            recipient = f"customer-b{i}@example.com"
            with transaction.atomic():
                transaction.on_commit(lambda r=recipient: record(r))
                notify("test_message", recipient, {"note": f"Benchmark message {i}."})
        last_commit = time.monotonic()

    wait_until(lambda: len(sink.handler.messages) >= args.messages, timeout=args.drain_timeout, interval=0.05)
    drained_after = time.monotonic() - last_commit
    arrivals = {}
    for recipient, at in sink_received(sink):
        arrivals.setdefault(recipient, at)
    latencies = sorted(arrivals[r] - at for r, at in committed.items() if r in arrivals)
    arrived = len(latencies)

    out(
        f"(b) Commit to delivery at a prompt local SMTP sink: {args.messages} messages,"
        f" one every {args.interval:g} s"
    )
    out("    commit time: on_commit callback right after COMMIT; delivery: the sink received DATA;")
    out("    matched by recipient address")
    out(
        f"    arrived {arrived}/{args.messages} (waited up to {args.drain_timeout:g} s after the last commit)"
    )
    if latencies:
        median, p95, worst = statistics.median(latencies), percentile(latencies, 95), latencies[-1]
        ok = p95 < DELIVERY_TARGET_S and arrived == args.messages
        out(f"    median  {median * 1000:8.1f} ms")
        out(
            f"    p95     {p95 * 1000:8.1f} ms   target < {DELIVERY_TARGET_S * 1000:g} ms "
            f"(and all arrived)   {verdict(ok)}"
        )
        out(f"    max     {worst * 1000:8.1f} ms")
    else:
        out(f"    nothing arrived   target p95 < {DELIVERY_TARGET_S * 1000:g} ms   MISS")
    if arrived < args.messages:
        out(f"    {args.messages - arrived} message(s) missing {drained_after:.1f} s after the last commit")
    out()


# -- main ---------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--requests", type=int, default=50, help="requests timed in (a) (default 50)")
    parser.add_argument(
        "--request-interval",
        type=float,
        default=0.05,
        help="seconds between the starts of two requests in (a) (default 0.05)",
    )
    parser.add_argument(
        "--smtp-delay", type=float, default=2.0, help="SMTP answer delay in (a) (default 2 s)"
    )
    parser.add_argument("--messages", type=int, default=100, help="messages sent in (b) (default 100)")
    parser.add_argument(
        "--interval", type=float, default=0.1, help="seconds between messages in (b) (def. 0.1)"
    )
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=15.0,
        help="seconds to wait for (b)'s last messages after the last commit (default 15)",
    )
    parser.add_argument(
        "--pool",
        choices=["solo", "prefork"],
        default="solo",
        help="worker pool: solo, or prefork with --concurrency=2 (default solo)",
    )
    parser.add_argument("--broker", default=DEFAULT_BROKER, help=f"Redis broker (default {DEFAULT_BROKER})")
    parser.add_argument("--keep-logs", action="store_true", help="keep the worker logs under var/")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.messages < 1:
        parser.error("--requests and --messages must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    run_id = f"{os.getpid()}-{secrets.token_hex(3)}"
    queue_a = f"wagtail-support-bench-{run_id}-a"
    queue_b = f"wagtail-support-bench-{run_id}-b"
    timeout = max(10, int(args.smtp_delay) + 10)  # the SMTP client's, in the worker

    try:
        database = Database(run_id)
    except SetupError as error:
        print(f"SETUP FAILED: {error}", file=sys.stderr, flush=True)
        return 1
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database.url,
        "BENCH_RUN_ID": run_id,
        "BENCH_BROKER_URL": args.broker,
        "BENCH_QUEUE": queue_a,
    }
    os.environ.update(env)

    workers, sinks = [], []
    redis_client = None
    created = False
    failed = False
    started = time.monotonic()
    try:
        import redis

        client = redis.Redis.from_url(args.broker, socket_connect_timeout=2)
        try:
            client.ping()
        except redis.RedisError as error:
            raise SetupError(f"Redis broker {args.broker} is not reachable: {error}") from error
        redis_client = client

        log(f"creating the database ({database.url})")
        database.create()
        created = True

        import django

        # WhiteNoise warns that STATIC_ROOT was never collected; static files play no part here.
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        django.setup()
        from django.core.management import call_command

        log("migrating")
        call_command("migrate", interactive=False, verbosity=0)

        import celery
        import wagtail

        out("wagtail-support notification latency benchmark")
        out(f"  database: {database.describe()}")
        if database.note:
            out(f"            ({database.note})")
        out(f"  broker:   {args.broker}, queues {queue_a} (a) and {queue_b} (b)")
        out(
            f"  versions: Celery {celery.__version__}, Wagtail {wagtail.__version__}, "
            f"Django {django.get_version()}, Python {sys.version.split()[0]}"
        )
        pool = "--pool=solo" if args.pool == "solo" else "--pool=prefork --concurrency=2"
        out(f"  worker:   separate process `celery -A example_site worker {pool}`, settings bench.settings")
        out()

        from tests.smtp_sink import SmtpSink

        # (a): slow SMTP, worker on queue (a).
        sink_a = SmtpSink().start()
        sinks.append(sink_a)
        sink_a.set_delay(args.smtp_delay)
        log("starting the worker of (a)")
        worker_a = Worker(name="a", queue=queue_a, sink=sink_a, env=env, pool=args.pool, smtp_timeout=timeout)
        workers.append(worker_a)
        worker_a.start()
        phase_a(args, sink_a, worker_a)

        log("stopping the worker of (a) (it finishes the message in hand) and purging its backlog")
        worker_a.stop()
        purged = purge_queue(redis_client, queue_a)
        counts = ", ".join(f"{status} {n}" for status, n in sorted(status_counts().items()))
        out(
            f"    between (a) and (b): worker (a) stopped, {purged} queued task(s) purged;"
            f" outbox now {counts}; (b) gets its own queue, worker and sink"
        )
        out()

        # (b): prompt SMTP, fresh worker on queue (b).
        sink_b = SmtpSink().start()
        sinks.append(sink_b)
        log("starting the worker of (b)")
        worker_b = Worker(name="b", queue=queue_b, sink=sink_b, env=env, pool=args.pool, smtp_timeout=timeout)
        workers.append(worker_b)
        worker_b.start()
        phase_b(args, sink_b, worker_b)
        out(f"total run time {time.monotonic() - started:.1f} s (setup included, final cleanup not)")
    except SetupError as error:
        failed = True
        print(f"SETUP FAILED: {error}", file=sys.stderr, flush=True)
    except BaseException:
        failed = True
        raise
    finally:
        for worker in workers:
            worker.stop()
        for sink in sinks:
            sink.stop()
        if "django" in sys.modules and created:
            from django.db import connections

            connections.close_all()
        if redis_client is not None:
            try:
                keys = list(redis_client.scan_iter(match=f"*{run_id}*"))
                if keys:
                    redis_client.delete(*keys)
            except Exception as error:
                print(f"warning: could not delete this run's Redis keys: {error}", file=sys.stderr)
        if created:
            try:
                database.drop()
            except Exception as error:
                print(f"warning: could not drop the benchmark database: {error}", file=sys.stderr)
        for worker in workers:
            if failed or args.keep_logs:
                print(f"worker log kept: {worker.log_path}", file=sys.stderr)
            else:
                worker.log_path.unlink(missing_ok=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
