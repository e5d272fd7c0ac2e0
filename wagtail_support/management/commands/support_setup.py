"""``manage.py support_setup [--site HOSTNAME_OR_ID] [--groups]``: set a site up for support."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Site

from wagtail_support.setup import set_up_site


def find_site(value):
    """The site by id, "hostname" or "hostname:port"; the default site when ``value`` is empty."""
    if not value:
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            raise CommandError("There is no default Wagtail site; name one with --site.")
        return site
    if value.isdigit():
        sites = Site.objects.filter(pk=int(value))
    else:
        hostname, _, port = value.partition(":")
        sites = Site.objects.filter(hostname=hostname, **({"port": int(port)} if port.isdigit() else {}))
    if len(sites) != 1:
        known = ", ".join(f"{site.pk} ({site.hostname}:{site.port})" for site in Site.objects.all())
        reason = "several sites match" if sites else "no site matches"
        raise CommandError(f"--site {value}: {reason}. Sites: {known or 'none'}.")
    return sites[0]


class Command(BaseCommand):
    help = (
        "Set a Wagtail site up for support: a default coverage policy, the Support page and the "
        "coverage-policy page under the site's root, and with --groups the app's own groups. "
        "Safe to run again: what exists is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", help="Site id, hostname or hostname:port (default: the default site).")
        parser.add_argument(
            "--groups",
            action="store_true",
            help='Also create the groups "Support agents" and "Support policy editors" with their rights.',
        )

    def handle(self, *args, site=None, groups=False, **options):
        site = find_site(site)
        with transaction.atomic():
            report = set_up_site(site, groups=groups)
        for line in report.changes:
            self.stdout.write(self.style.SUCCESS(line))
        if not report.changes:
            self.stdout.write(f"Nothing to change: {site} is already set up.")
        for line in report.problems:
            self.stderr.write(self.style.WARNING(line))
        if report.left_to_do:
            self.stdout.write("\nLeft to do:")
            for line in report.left_to_do:
                self.stdout.write(f"- {line}")
