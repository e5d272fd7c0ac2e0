"""E-mail reminders about tickets about to miss their first-response target (for cron sites)."""

from django.core.management.base import BaseCommand

from wagtail_support.tickets import workflow


class Command(BaseCommand):
    help = "Remind the team of unanswered tickets whose first-response target runs out soon (once each)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=None, help="Override the warning time in hours.")

    def handle(self, *args, hours=None, **options):
        reminded = workflow.remind_breaching(hours=hours)
        self.stdout.write(f"Reminded about {reminded} ticket(s).")
