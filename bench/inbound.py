"""Replies by e-mail through an IMAP mailbox: how many per second, and how long from arrival to ticket.

Run from the repository root (PostgreSQL and Redis as in CI)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wagtail_support_bench \\
        .venv/bin/python bench/inbound.py [--messages 1000] [--rate 2] [--poll-interval 5]

Everything is real: a private Dovecot (``tests/imap_server.py``, Debian's dovecot-imapd) holds the
mailbox; a real ``celery -A example_site worker -B`` (prefork, 2 processes, embedded beat) runs the IMAP
poll every ``--poll-interval`` s from ``beat_schedule()`` and processes each stored message
(``process_inbound_message``), which adds it to its ticket and notifies the team through the outbox
(sent by the same worker to a local SMTP sink, ``tests.smtp_sink``). The database is the fresh one of
``bench/notify_latency.py`` (SQLite file, or PostgreSQL ``wagtail_support_bench``, dropped at the end);
the broker is Redis (redis://127.0.0.1:6379/14) with a queue of this run's own.

Setup: ``--tickets`` customers with a ticket each. Then ``--messages`` replies from those customers, to
their ticket's signed reply address, with quoted history and a signature, are put in the mailbox by IMAP
APPEND at ``--rate`` per second (0: all at once). The arrival time of a message is taken right after its
APPEND completed; it is on the ticket at its ``Message.created_at`` (the worker's commit). The sender
rate limit (``INBOUND_SENDER_RATE``) is raised for the run, since each customer sends many replies.

Prints messages per second (on the ticket, from the first APPEND to the last message on a ticket) and the
median / p95 / max of arrival -> on the ticket; target: p95 under the poll interval plus 2 s.
Exit status 0 when measured (PASS or MISS), 1 when setup failed.
"""

import argparse
import json
import os
import secrets
import sys
import time
import warnings
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.notify_latency import (  # noqa: E402
    DEFAULT_BROKER,
    Database,
    SetupError,
    Worker,
    log,
    out,
    percentile,
    verdict,
    wait_until,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--messages", type=int, default=1000, help="replies put in the mailbox (1000)")
    parser.add_argument("--tickets", type=int, default=100, help="customers, one ticket each (100)")
    parser.add_argument("--rate", type=float, default=2.0, help="APPENDs per second; 0: all at once (2)")
    parser.add_argument("--poll-interval", type=float, default=5.0, help="seconds between polls (5)")
    parser.add_argument("--pool", choices=["solo", "prefork"], default="prefork", help="worker pool")
    parser.add_argument("--drain-timeout", type=float, default=300.0, help="seconds to wait at the end")
    parser.add_argument("--broker", default=DEFAULT_BROKER, help=f"Redis broker (default {DEFAULT_BROKER})")
    parser.add_argument("--keep-logs", action="store_true", help="keep the worker log under var/")
    return parser.parse_args(argv)


def reply(ticket, number):
    from wagtail_support.inbound.addresses import reply_address

    message = EmailMessage()
    message["From"] = ticket.customer.email
    message["To"] = reply_address(ticket)
    message["Subject"] = f"Re: [{ticket.reference}] {ticket.title}"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(idstring=f"bench{number}", domain="mail.example.net")
    message.set_content(
        f"Reply {number}: still broken after the update.\n\nThanks,\nAnn\n\n"
        "On Monday, Support <support@example.com> wrote:\n"
        "> Which version do you use?\n> \n> -- \n> Support\n"
    )
    return message["Message-ID"], message.as_bytes()


def make_tickets(count):
    from django.db import transaction
    from wagtail.models import Site

    from tests.factories import EntitlementFactory, UserFactory
    from wagtail_support.sitesettings import SupportSettings
    from wagtail_support.tickets import services

    settings = SupportSettings.for_site(Site.objects.get(is_default_site=True))
    settings.team_emails = "team@example.com"
    settings.save()
    tickets = []
    for i in range(count):
        with transaction.atomic():
            entitlement = EntitlementFactory(purchase__customer=UserFactory(username=f"bench-customer-{i}"))
            tickets.append(
                services.open_ticket(entitlement.customer, entitlement, f"Broken {i}", "It is broken.")
            )
    return tickets


def append_all(dovecot, tickets, args):
    """APPEND the replies at ``--rate``; returns {Message-ID: arrival time (time.time())}."""
    arrivals = {}
    start = time.monotonic()
    with dovecot.mailbox() as mailbox:
        for number in range(args.messages):
            if args.rate > 0:
                pause = start + number / args.rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            message_id, raw = reply(tickets[number % len(tickets)], number)
            mailbox.append(raw, "INBOX", dt=None, flag_set=[])
            arrivals[message_id] = time.time()
    return arrivals


def on_ticket_times():
    """{Message-ID: when its message was written on the ticket (epoch seconds)} for processed rows."""
    from wagtail_support.inbound.models import InboundMessage

    rows = InboundMessage.objects.filter(ticket_message__isnull=False).values_list(
        "message_id", "ticket_message__created_at"
    )
    return {message_id: created.timestamp() for message_id, created in rows}


def status_counts():
    from django.db.models import Count

    from wagtail_support.inbound.models import InboundMessage

    return dict(InboundMessage.objects.values_list("status").annotate(n=Count("pk")).order_by("status"))


def measure(args, dovecot, worker):
    from wagtail_support.inbound.threading import normalise

    log(f"creating {args.tickets} customers with a ticket each")
    tickets = make_tickets(args.tickets)
    rate = f"{args.rate:g}/s" if args.rate > 0 else "all at once"
    log(f"appending {args.messages} replies ({rate})")
    arrivals = {normalise(k): v for k, v in append_all(dovecot, tickets, args).items()}
    last_append = time.time()
    wait_until(lambda: len(on_ticket_times()) >= args.messages, timeout=args.drain_timeout, interval=0.5)
    done = on_ticket_times()
    latencies = sorted(done[key] - at for key, at in arrivals.items() if key in done)
    first_append = min(arrivals.values())
    target = args.poll_interval + 2
    out(
        f"(IMAP) {args.messages} replies APPENDed ({rate}) to {len(tickets)} tickets;"
        f" poll every {args.poll_interval:g} s"
    )
    out(f"    on the ticket: {len(latencies)}/{args.messages}   inbound rows: {status_counts()}")
    if latencies:
        span = max(done.values()) - first_append
        out(
            f"    throughput   {len(latencies) / span:8.1f} messages/s"
            f" (first APPEND -> last on a ticket, {span:.1f} s)"
        )
        out(f"    offered      {args.messages / max(last_append - first_append, 1e-9):8.1f} messages/s")
        out(f"    median       {percentile(latencies, 50):8.2f} s   arrival (APPEND done) -> on the ticket")
        p95 = percentile(latencies, 95)
        ok = p95 < target and len(latencies) == args.messages
        out(f"    p95          {p95:8.2f} s   target < {target:g} s (poll interval + 2 s)   {verdict(ok)}")
        out(f"    max          {latencies[-1]:8.2f} s")
    out(
        f"    mailbox: {len(dovecot.uids(args.processed_folder))} in {args.processed_folder},"
        f" {len(dovecot.uids('INBOX'))} left in INBOX"
    )
    out()


def main(argv=None):
    args = parse_args(argv)
    args.processed_folder = "Processed"
    run_id = f"{os.getpid()}-{secrets.token_hex(3)}"
    queue = f"wagtail-support-bench-{run_id}-inbound"
    try:
        database = Database(run_id)
    except SetupError as error:
        print(f"SETUP FAILED: {error}", file=sys.stderr, flush=True)
        return 1

    from tests.imap_server import Dovecot
    from tests.smtp_sink import SmtpSink

    dovecot = Dovecot(ROOT / "var" / f"bench-{run_id}-dovecot", name=f"bench-{run_id}")
    overrides = {
        "INBOUND_ENABLED": True,
        "INBOUND_DOMAIN": "reply.example.com",
        "INBOUND_IMAP": dovecot.settings(PROCESSED_FOLDER=args.processed_folder),
        "INBOUND_IMAP_INTERVAL": args.poll_interval,
        "INBOUND_SENDER_RATE": "100000/h",
    }
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database.url,
        "BENCH_RUN_ID": run_id,
        "BENCH_BROKER_URL": args.broker,
        "BENCH_QUEUE": queue,
        "BENCH_WAGTAIL_SUPPORT": json.dumps(overrides),
    }
    os.environ.update(env)
    worker = sink = redis_client = None
    created = failed = False
    started = time.monotonic()
    try:
        import redis

        redis_client = redis.Redis.from_url(args.broker, socket_connect_timeout=2)
        redis_client.ping()
        dovecot.start()
        log(f"dovecot on {dovecot.host}:{dovecot.port}; creating the database ({database.url})")
        database.create()
        created = True
        import django

        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        django.setup()
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        import celery

        out("wagtail-support inbound e-mail benchmark (IMAP)")
        out(f"  database: {database.describe()}")
        out(f"  broker:   {args.broker}, queue {queue}")
        out(f"  IMAP:     Dovecot {dovecot.host}:{dovecot.port} (private instance, Maildir under var/)")
        pool = "--pool=solo" if args.pool == "solo" else "--pool=prefork --concurrency=2"
        out(f"  worker:   `celery -A example_site worker -B {pool}` (Celery {celery.__version__})")
        out()
        sink = SmtpSink().start()
        worker = Worker(name="inbound", queue=queue, sink=sink, env=env, pool=args.pool, smtp_timeout=10)
        worker.command += ["-B", "-s", str(ROOT / "var" / f"bench-{run_id}-beat-schedule")]
        worker.start()
        measure(args, dovecot, worker)
        out(f"total run time {time.monotonic() - started:.1f} s")
    except (SetupError, OSError, RuntimeError) as error:
        failed = True
        print(f"SETUP FAILED: {error}", file=sys.stderr, flush=True)
    finally:
        if worker is not None:
            worker.stop()
        if sink is not None:
            sink.stop()
        dovecot.stop()
        if created:
            from django.db import connections

            connections.close_all()
            try:
                database.drop()
            except Exception as error:
                print(f"warning: could not drop the benchmark database: {error}", file=sys.stderr)
        if redis_client is not None:
            keys = list(redis_client.scan_iter(match=f"*{run_id}*"))
            if keys:
                redis_client.delete(*keys)
        for path in (ROOT / "var").glob(f"bench-{run_id}-beat-schedule*"):
            path.unlink(missing_ok=True)
        if worker is not None:
            if failed or args.keep_logs:
                print(f"worker log kept: {worker.log_path}", file=sys.stderr)
            else:
                worker.log_path.unlink(missing_ok=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
