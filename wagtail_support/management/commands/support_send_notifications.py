from django.core.management.base import BaseCommand

from wagtail_support.notifications import outbox


class Command(BaseCommand):
    help = (
        "Send every outbox e-mail that is due but was never sent (the broker was down or a "
        "worker was lost). For sites that run cron instead of Celery beat; safe to run often."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Hand due messages to the Celery workers instead of sending them in this process.",
        )
        parser.add_argument("--limit", type=int, default=1000, help="At most this many messages per run.")

    def handle(self, *args, queue=False, limit=1000, **options):
        results = []

        def send_now(notification_id):
            results.append(outbox.deliver(notification_id).outcome)

        handed, interrupted = outbox.sweep(send=None if queue else send_now, limit=limit)
        if queue:
            self.stdout.write(f"Queued {handed} due message(s).")
        else:
            self.stdout.write(
                f"Sent {results.count('sent')}, will retry {results.count('retry')}, "
                f"failed {results.count('failed')} of {handed} due message(s)."
            )
        if interrupted:
            self.stdout.write(
                self.style.WARNING(
                    f"{interrupted} message(s) were interrupted mid-send and marked failed; "
                    "see the outbox in the admin."
                )
            )
