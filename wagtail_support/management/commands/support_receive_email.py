"""Read one RFC 822 message on standard input and store it for processing (an MTA pipe).

Exit status, as mail servers read it (sysexits.h): 0 stored (or already stored); 75 (EX_TEMPFAIL) the
database or the storage is unreachable, so the mail server keeps the message and tries again; 65
(EX_DATAERR) an empty or oversized message, which the mail server returns to its sender.
"""

import logging
import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from wagtail_support.conf import support_settings
from wagtail_support.inbound import services

logger = logging.getLogger(__name__)
EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75


class Command(BaseCommand):
    stealth_options = ("stdin",)  # a binary file to read instead of standard input (tests)
    help = "Store one e-mail read on standard input and queue it for processing (for an MTA pipe)."

    def add_arguments(self, parser):
        parser.add_argument("--via", default="pipe", help='How the message came in; "pipe" by default.')

    def handle(self, *args, via, **options):
        source = options.get("stdin") or sys.stdin.buffer
        raw = source.read(support_settings.INBOUND_MAX_BYTES + 1)
        if not raw.strip():
            self.stderr.write("No message on standard input.")
            sys.exit(EX_DATAERR)
        try:
            row, created = services.receive(raw, via=via)
        except services.MessageTooLarge as error:
            self.stderr.write(f"Message refused: {error}.")
            sys.exit(EX_DATAERR)
        except (DatabaseError, OSError) as error:
            self.stderr.write(f"Cannot store the message now ({error}); the mail server will try again.")
            sys.exit(EX_TEMPFAIL)
        except Exception as error:  # never lose it: the mail server keeps it and tries again
            logger.exception("support_receive_email could not store a message")
            self.stderr.write(
                f"Cannot store the message ({type(error).__name__}); the mail server will try again."
            )
            sys.exit(EX_TEMPFAIL)
        self.stdout.write(f"{'Stored' if created else 'Already stored'}: inbound e-mail #{row.pk}.")
