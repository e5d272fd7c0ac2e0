from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from wagtail_support.notifications.outbox import notify


class Command(BaseCommand):
    help = "Queue a test e-mail through the notification pipeline, to check the worker and mail settings."

    def add_arguments(self, parser):
        parser.add_argument("email", help="Where to send the test message.")

    def handle(self, *args, email, **options):
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an e-mail address.") from error
        with transaction.atomic():
            notification = notify("test_message", email)
        self.stdout.write(
            f"Queued test message #{notification.pk} to {email}; see the outbox for its status."
        )
