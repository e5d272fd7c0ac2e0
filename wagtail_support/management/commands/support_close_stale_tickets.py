"""Close tickets awaiting the customer past the limit of the support settings (for cron sites)."""

from django.core.management.base import BaseCommand

from wagtail_support.tickets import workflow


class Command(BaseCommand):
    help = "Close tickets that have awaited the customer longer than the support settings allow."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="Override the limit of the support settings."
        )

    def handle(self, *args, days=None, **options):
        closed = workflow.auto_close_stale(days=days)
        self.stdout.write(f"Closed {closed} ticket(s).")
