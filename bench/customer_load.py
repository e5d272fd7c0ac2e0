"""Customer pages under load: 50 signed-in customers at work on the example site, no faults.

Run from the repository root (PostgreSQL on 127.0.0.1:5432, Redis on 6379), with no other benchmark running::

    .venv/bin/python bench/customer_load.py \
        [--customers 50] [--seconds 60] [--web-workers 3] [--database NAME] [--in-step]

Everything listens on 127.0.0.1 and is started, and stopped, by this script (also on Ctrl+C or error):

* PostgreSQL database ``bench_customer_load`` (``--database``; host, port and user of DATABASE_URL),
  created, migrated, dropped; settings ``bench.load_settings`` (the example site's pages on the
  production-shaped settings of docs/deployment.md: DEBUG off, cached template loader, sessions in the
  cache backed by the database; rate limits raised for the one address all customers come from).
* The cache on the machine's Redis (``--cache``, db 13 unless told); Celery on ``--broker`` (db 14 unless
  told), a queue of this run's own, one real worker (``--pool=solo``); an SMTP sink counting Message-IDs.
* The example site under gunicorn: ``--web-workers`` processes of ``--threads`` threads (1: sync workers).

Seeded: ``--customers`` buyers through ``record_purchase``, each with a password.

What is measured. Before the clock starts, every customer signs in through the log-in page (a real
POST with CSRF; the password hash costs hundreds of ms of CPU on purpose, and is not one of the pages the
target is about) and opens a first ticket. Then, for ``--seconds``, one thread per customer loops: My
tickets, the new-ticket form, a new ticket (a multipart POST with an 8×8 PNG, CSRF token and session
cookie), the ticket page, a reply (POST), and counts every answer with its time. The customers start at
different steps of that round (customer *i* at step *i* mod 5), as people do not all load the same page
at the same instant; with ``--in-step`` they all start at My tickets and move through the round
together, so each page waits behind 49 requests for the page before it (the page after the new-ticket
POST waits longest). Each is a real HTTP request that the site serves in full
(sessions, CSRF, rate limits, upload checks, the outbox row and its hand-over to Celery); the redirect
after a POST is not followed (the next step is the page it names). Requests per second = answers in the
window / the window.

What is not measured. Logging in; static files and attachment downloads (a browser would fetch the CSS,
JS and thumbnails, which whitenoise or the proxy serves); the Celery worker's sending time (the e-mails
are counted after the window, once the worker has sent them). The client is deliberately light (one
``http.client`` connection per customer, cookies kept by hand) so that 50 client threads take little of
the 2 cores the server needs. gunicorn's sync workers close the connection after every answer, so each
request also pays a TCP connect on loopback (as behind a proxy without keep-alive); threaded workers
(``--threads``) keep it open. ``--profile DIR`` profiles each request (``bench/profiling.py``; it
serialises a process's threads, so use it with sync workers, and read its times as relative).

It prints requests per second, p50/p95 per page, the CPU time per request of the web workers,
PostgreSQL's backends of the run's database and the Celery worker (read from /proc; the machine's other
load changes it less than requests/s, though contention still inflates it), the requests/s that allows on
idle cores, and the e-mails: expected (outbox rows written), sent (distinct Message-IDs at the sink) and
duplicated (extra copies of one Message-ID). Target on a 2-core machine: >= 60 requests/s, p95 < 1 s on
every page, none lost or doubled. Exit status 1 when setup failed.
"""

import argparse
import http.client
import os
import secrets
import signal
import sys
import threading
import time
import warnings
from collections import Counter, defaultdict
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.admin_queue import python_speed  # noqa: E402
from bench.faults import Database, Process, percentile, settle, spare_port, wait_for_port  # noqa: E402
from bench.faults_customers import PASSWORD, Results, png_bytes, seed  # noqa: E402
from bench.notify_latency import DEFAULT_BROKER, SetupError, Worker, log, out, verdict  # noqa: E402

PG_DATABASE = "bench_customer_load"
TARGET_RPS = 60
TARGET_P95_S = 1.0
LOGIN_PATH = "/support-center/account/login/"


class Answer:
    def __init__(self, status, headers, body):
        self.status_code, self.headers, self.body = status, headers, body


class Browser:
    """A light HTTP client: one ``http.client`` connection (reopened when the server closes it), the
    cookies the site sets kept and sent back, forms posted urlencoded or multipart."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies = {}

    def send(self, method, path, body=None, content_type=None):
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        reused = self.connection.sock is not None
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            payload = response.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()
            if not reused:
                raise
            # The server closed an idle kept-alive connection: a browser sends the request again, once.
            return self.send(method, path, body, content_type)
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.will_close:
            self.connection.close()
        return Answer(response.status, response.headers, payload)

    def post(self, path, data, files=None):
        data = {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        if not files:
            return self.send("POST", path, urlencode(data), "application/x-www-form-urlencoded")
        boundary = secrets.token_hex(16)
        parts = []
        for name, value in data.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, content, content_type) in files.items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            )
            parts.append(head.encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.send("POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")


class Shopper(threading.Thread):
    """A customer reading and writing tickets: the pages a customer opens most. ``log_in`` runs before
    the measured window; ``run`` loops until ``stop`` is set."""

    def __init__(self, index, email, entitlement_id, port, support_path, start, stop, results, png, in_step):
        super().__init__(name=f"customer-{index}", daemon=True)
        self.index, self.email, self.entitlement_id = index, email, entitlement_id
        self.browser = Browser(port)
        self.support_path, self.start_event, self.stop_event = support_path, start, stop
        self.results, self.png, self.in_step = results, png, in_step
        self.count = 0
        self.ticket_path = None

    def log_in(self):
        """Sign in through the log-in page (GET for the CSRF cookie, then the POST), then open a first
        ticket (a customer who starts the round at its ticket page has one); True when both worked."""
        try:
            self.browser.send("GET", LOGIN_PATH)
            answer = self.browser.post(LOGIN_PATH, {"username": self.email, "password": PASSWORD})
        except (OSError, http.client.HTTPException):
            return False
        if answer.status_code != 302 or "sessionid" not in self.browser.cookies:
            return False
        self.new_ticket(measured=False)
        return self.ticket_path is not None

    def request(self, kind, method, path, data=None, files=None):
        started = time.perf_counter()
        try:
            if method == "GET":
                answer = self.browser.send("GET", path)
            else:
                answer = self.browser.post(path, data, files=files)
        except (OSError, http.client.HTTPException) as error:
            with self.results.lock:
                self.results.errors[f"{kind}: {type(error).__name__}"] += 1
            return None
        self.results.add(kind, answer.status_code, time.perf_counter() - started)
        return answer

    def new_ticket(self, measured=True):
        """A new ticket with a screenshot; its page becomes the one the next steps open."""
        self.count += 1
        title = f"Load {self.index}-{self.count} {secrets.token_hex(4)}"
        form = {"product": self.entitlement_id, "title": title, "description": "It broke."}
        files = {"attachments": ("screen.png", self.png, "image/png")}
        path = f"{self.support_path}new/"
        if measured:
            answer = self.request("new ticket (POST)", "POST", path, form, files=files)
        else:
            try:
                answer = self.browser.post(path, form, files=files)
            except (OSError, http.client.HTTPException):
                answer = None
        if answer is not None and answer.status_code == 302:
            self.ticket_path = urlsplit(answer.headers["Location"]).path
        else:
            self.ticket_path = None

    def journey(self):
        """The steps of one round, each one request (a step that needs a ticket waits for the next one)."""
        return (
            lambda: self.request("My tickets", "GET", self.support_path),
            lambda: self.request("new-ticket form", "GET", f"{self.support_path}new/"),
            self.new_ticket,
            lambda: self.ticket_path and self.request("ticket page", "GET", self.ticket_path),
            lambda: (
                self.ticket_path
                and self.request(
                    "reply (POST)", "POST", self.ticket_path + "reply/", {"body": "More detail."}
                )
            ),
        )

    def run(self):
        try:
            steps = self.journey()
            # Where in the round this customer starts: spread over the steps (people do not all load the
            # same page at the same instant), or all at the first one with --in-step.
            first = 0 if self.in_step else self.index % len(steps)
            self.start_event.wait()
            while not self.stop_event.is_set():
                for step in steps[first:]:
                    if self.stop_event.is_set():
                        break
                    step()
                first = 0
        except Exception as error:  # a bug of the harness, not of the site: reported, never hidden
            with self.results.lock:
                self.results.errors[f"harness: {type(error).__name__}: {error}"] += 1


def process_cpu(pids):
    """CPU seconds (user + system) the processes ``pids`` have used so far, by pid."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def children(pid):
    """The pids of the processes whose parent is ``pid`` (gunicorn's workers)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
            continue
    return found


def backends(database):
    """The pids of the PostgreSQL server processes connected to ``database`` (same machine)."""
    import psycopg

    with psycopg.connect(**database.maintenance_kwargs(), autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [database.name]).fetchall()
    return [pid for (pid,) in rows]


class CpuMeter:
    """CPU seconds used during the window by the web workers, PostgreSQL's backends of the run's database
    and the Celery worker: less dependent than requests/s on what else the machine runs."""

    def __init__(self, web, worker, database):
        self.web, self.worker, self.database = web, worker, database
        self.before = {}

    def groups(self):
        return {
            "web": children(self.web.process.pid),
            "PostgreSQL": backends(self.database),
            "worker": [self.worker.process.pid, *children(self.worker.process.pid)],
        }

    def start(self):
        self.before = {name: process_cpu(pids) for name, pids in self.groups().items()}

    def stop(self):
        used = {}
        for name, pids in self.groups().items():
            now, before = process_cpu(pids), self.before.get(name, {})
            used[name] = sum(seconds - before.get(pid, 0.0) for pid, seconds in now.items())
        return used


def sign_in(threads, at_once=4):
    """Sign every customer in, ``at_once`` at a time; returns how many could."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(at_once) as pool:
        return sum(pool.map(Shopper.log_in, threads))


def report(results, seconds, sink, cpu):
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
    if total:
        per_request = {name: used * 1000 / total for name, used in cpu.items()}
        server = sum(per_request.values())
        out(
            "CPU/request "
            + ", ".join(f"{name} {ms:.1f} ms" for name, ms in per_request.items())
            + f" = {server:.1f} ms: at most {os.cpu_count() * 1000 / server:.0f} requests/s on "
            f"{os.cpu_count()} idle cores (the client's own CPU not counted)"
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
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn processes (default 3)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per gunicorn process (default 1: sync workers)"
    )
    parser.add_argument("--broker", default=DEFAULT_BROKER, help=f"Celery broker (default {DEFAULT_BROKER})")
    parser.add_argument("--cache", default="redis://127.0.0.1:6379/13", help="cache Redis (db 13)")
    parser.add_argument(
        "--profile", metavar="DIR", help="cProfile each web request; one .prof per gunicorn worker in DIR"
    )
    parser.add_argument("--database", default=PG_DATABASE, help=f"database name (default {PG_DATABASE})")
    parser.add_argument(
        "--in-step",
        action="store_true",
        help="every customer starts the round at its first page (default: spread over the round)",
    )
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
            "DJANGO_SETTINGS_MODULE": "bench.load_settings",
            "DATABASE_URL": database.url,
            "BENCH_RUN_ID": run_id,
            "BENCH_BROKER_URL": args.broker,
            "BENCH_QUEUE": queue,
            "BENCH_CACHE_URL": args.cache,
            **({"BENCH_PROFILE_DIR": str(Path(args.profile).resolve())} if args.profile else {}),
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
        command += ["--workers", str(args.web_workers), "--threads", str(args.threads)]
        command += ["--timeout", "60", "--graceful-timeout", "5"]
        web = Process("web", command, worker.env, run_id).start()
        wait_for_port(web_port, 30, web)

        out("wagtail-support customer pages under load")
        out(
            f"  {args.customers} customers for {args.seconds:g} s, gunicorn {args.web_workers} workers "
            f"x {args.threads} threads, "
            f"PostgreSQL {database.name}, Redis cache {args.cache}, 1 solo Celery worker, SMTP sink, "
            f"{os.cpu_count()} CPUs, Django {django.get_version()}"
        )
        out(f"  load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
        speed_before = python_speed()
        results, png, start = Results(), png_bytes(), threading.Event()
        threads = [
            Shopper(i, email, entitlement, web_port, support_path, start, stop, results, png, args.in_step)
            for i, (email, entitlement) in enumerate(customers)
        ]
        log(f"signing in {len(threads)} customers (not measured)")
        signed_in = sign_in(threads)
        if signed_in < len(threads):
            raise SetupError(
                f"{signed_in} of {len(threads)} customers signed in and opened a first ticket; "
                f"see {web.log_path}"
            )
        for thread in threads:
            thread.start()
        meter = CpuMeter(web, worker, database)
        meter.start()
        load_start = time.monotonic()
        start.set()
        time.sleep(args.seconds)
        stop.set()
        for thread in threads:
            thread.join(70)
        load_seconds = time.monotonic() - load_start
        cpu = meter.stop()
        log("letting the worker send every e-mail")
        settle(worker.env, sink, timeout=120)
        out()
        out(f"  load average after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
        report(results, load_seconds, sink, cpu)
        out(
            f"machine speed, 3 million Python additions: {speed_before:.0f} ms before, "
            f"{python_speed():.0f} ms after (lower is faster; requests/s scale with it)"
        )
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
