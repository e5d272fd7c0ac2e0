import argparse
import time

from django.core.management.base import BaseCommand, CommandError

from wagtail_support.purchases import importing

REJECTED_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Back-fill purchases from a CSV file with a header row (columns: source, order_id, email, name, "
        "purchased_at, product_ref, title, quantity, status, support_until; rows with the same order_id are "
        "the lines of one order). Safe to re-run: orders already recorded are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8).")
        parser.add_argument(
            "--source", default="csv", help='Source of rows with an empty "source" column (default "csv").'
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what the import would do; keep nothing."
        )
        parser.add_argument(
            "--notify",
            action=argparse.BooleanOptionalAction,
            default=False,
            help="Queue the usual welcome / purchase e-mails for the new purchases (default: no e-mails).",
        )
        parser.add_argument("--chunk-size", type=int, default=1000, help="Orders per transaction.")

    def handle(self, *args, file, source, dry_run, notify, chunk_size, **options):
        started = time.monotonic()
        try:
            with open(file, encoding="utf-8-sig", newline="") as lines:
                orders, report = importing.read_orders(lines, default_source=source, file_name=file)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not UTF-8 text ({error.reason} at byte {error.start}).") from error
        except importing.ImportFileError as error:
            raise CommandError(str(error)) from error

        bar = ProgressBar(
            sum(len(order.line_numbers) for order in orders),
            stream=self.stderr,
            enabled=options["verbosity"] > 0,
        )
        importing.import_orders(
            orders, notify=notify, dry_run=dry_run, chunk_size=chunk_size, progress=bar.update, report=report
        )
        bar.finish()
        self._summary(report, dry_run=dry_run, notify=notify, seconds=time.monotonic() - started)

    def _summary(self, report, *, dry_run, notify, seconds):
        write = self.stdout.write
        if dry_run:
            write(self.style.WARNING("Dry run: nothing was saved. The import would give:"))
        write(f"Rows read: {report.rows} in {seconds:.1f} s")
        write(f"  created:  {report.rows_created} row(s), {report.orders_created} order(s)")
        write(f"  existing: {report.rows_existing} row(s), {report.orders_existing} order(s) recorded before")
        if report.orders_revoked:
            revoked = report.orders_revoked
            write(f"            of which {revoked} paid order(s) revoked by their status in the file")
        write(
            f"  unknown product: {report.rows_unknown_product} row(s) (kept on their purchase for staff; "
            "add the reference to a supported product)"
        )
        if report.orders_unmapped:
            write(
                f"            of which {report.orders_unmapped} order(s) with no known product at all: kept "
                "for staff to map (Support → Purchases), no account and no e-mail until then"
            )
        write(f"  rejected: {len(report.rejected)} row(s)")
        write(f"New customer accounts: {report.users_created}; entitlements: {report.entitlements_created}")
        write(
            f"E-mails queued: {report.notifications_queued}" + ("" if notify else " (--notify was not given)")
        )
        for number, reason in report.rejected[:REJECTED_SHOWN]:
            write(self.style.ERROR(f"  line {number}: {reason}"))
        if len(report.rejected) > REJECTED_SHOWN:
            write(self.style.ERROR(f"  ... and {len(report.rejected) - REJECTED_SHOWN} more rejected row(s)"))


class ProgressBar:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, total, *, stream, enabled=True, width=30):
        self.total, self.width, self.enabled = total, width, enabled and total > 0
        self.stream = stream
        self.started = self.drawn_at = time.monotonic()

    def update(self, done):
        now = time.monotonic()
        if not self.enabled or (now - self.drawn_at < 0.1 and done < self.total):
            return
        self.drawn_at = now
        filled = int(self.width * done / self.total)
        rate = done / max(now - self.started, 1e-6)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total} rows, {rate:,.0f} rows/s",
            ending="",
        )
        self.stream.flush()

    def finish(self):
        if self.enabled:
            self.stream.write("")
            self.stream.flush()
