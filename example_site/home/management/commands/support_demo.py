import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Locale, Page, Site

from example_site.home import demo_content, demo_content_es
from example_site.home.models import ContentPage, HomePage
from wagtail_support.models import (
    CannedResponse,
    CoveragePolicy,
    CoveragePolicyPage,
    CoveredItem,
    ExcludedItem,
    ProductReference,
    SupportedProduct,
    SupportPage,
    SupportSettings,
)
from wagtail_support.purchases.accounts import complete_setup
from wagtail_support.purchases.installations import register_installation
from wagtail_support.purchases.payload import PurchaseData, PurchaseLine
from wagtail_support.purchases.services import record_purchase
from wagtail_support.setup import set_up_site
from wagtail_support.tickets import services as ticket_services
from wagtail_support.tickets.models import Ticket

DEMO_HOSTNAME = "127.0.0.1"


class Command(BaseCommand):
    help = "Load the example site's demo content and admin user. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin-password", help="Password for the 'admin' user (default: a new random one)."
        )
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("PORT") or 8000),
            help="Port the demo is served on (default: $PORT, else 8000); the site and its links follow it.",
        )

    @transaction.atomic
    def handle(self, *args, admin_password=None, port=8000, **options):
        home = self.ensure_home()
        self.ensure_site_address(home, port)
        policy = self.ensure_policy()
        self.ensure_products()
        self.ensure_guide(home)
        self.set_up_sites(home, policy)
        self.ensure_spanish(home, policy)
        password = admin_password or secrets.token_urlsafe(12)
        self.ensure_admin(password)
        self.ensure_canned_responses()
        customer_password = admin_password or secrets.token_urlsafe(12)
        customer = self.ensure_customer(customer_password)
        self.report(port, password, customer, customer_password)

    def report(self, port, password, customer, customer_password):
        """The logins last, beside the address, so that nothing scrolls them away."""
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        if settings.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":
            self.stdout.write(f"E-mails the demo sends are written to {settings.EMAIL_FILE_PATH}/")
        self.stdout.write(f"Serving the example site on http://127.0.0.1:{port}/ (Ctrl+C stops it)")
        self.stdout.write(f"The site in Spanish: http://127.0.0.1:{port}/es/")
        self.stdout.write(f"Admin login: http://127.0.0.1:{port}/admin/  user: admin  password: {password}")
        self.stdout.write(
            f"Customer login: http://127.0.0.1:{port}/support/  user: {customer.username}  "
            f"password: {customer_password}"
        )

    def ensure_home(self):
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(
                instance=HomePage(title="Acme Themes", slug="acme-home", intro=demo_content.HOME_INTRO)
            )
            old_default = (
                Page.objects.filter(depth=2).exclude(pk=home.pk).exclude(pk__in=HomePage.objects.values("pk"))
            )
            Site.objects.update_or_create(
                is_default_site=True,
                defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Acme Themes"},
            )
            for page in old_default:
                page.delete()
        return home

    def ensure_site_address(self, home, port):
        """The demo site answers where runserver serves it, so that e-mails and Wagtail link there."""
        for site in Site.objects.filter(root_page=home).exclude(hostname=DEMO_HOSTNAME, port=port):
            site.hostname, site.port = DEMO_HOSTNAME, port
            site.save()  # through save(): Wagtail forgets its cached site root paths

    def ensure_guide(self, home):
        guide = ContentPage.objects.child_of(home).filter(slug=demo_content.GUIDE_SLUG).first()
        if guide is not None:
            # Guides from older demo runs get the current body (e.g. the coverage policy block).
            block_types = [block["type"] for block in demo_content.GUIDE_BODY]
            if [block.block_type for block in guide.body] != block_types:
                guide.body = demo_content.GUIDE_BODY
                guide.save_revision().publish()
            return
        guide = ContentPage(
            title=demo_content.GUIDE_TITLE,
            slug=demo_content.GUIDE_SLUG,
            intro=demo_content.GUIDE_INTRO,
            body=demo_content.GUIDE_BODY,
            show_in_menus=True,
        )
        home.add_child(instance=guide)
        guide.save_revision().publish()

    def ensure_policy(self):
        policy = CoveragePolicy.objects.filter(title=demo_content.POLICY_TITLE).first()
        if policy is None:
            policy = CoveragePolicy(
                title=demo_content.POLICY_TITLE,
                intro=demo_content.POLICY_INTRO,
                notes=demo_content.POLICY_NOTES,
                live=False,
            )
            policy.covered_items = [
                CoveredItem(text=t, explanation=e) for t, e in demo_content.POLICY_COVERED
            ]
            policy.excluded_items = [
                ExcludedItem(text=t, explanation=e) for t, e in demo_content.POLICY_EXCLUDED
            ]
            policy.save()
            policy.save_revision().publish()
        elif not policy.live:
            (policy.latest_revision or policy.save_revision()).publish()
            policy.refresh_from_db()
        return policy

    def set_up_sites(self, home, policy):
        """What ``manage.py support_setup --groups`` does, with the demo's own policy and page texts."""
        for site in Site.objects.filter(root_page=home):
            set_up_site(
                site,
                groups=True,
                policy=policy,
                support_page={"intro": demo_content.SUPPORT_INTRO, "show_in_menus": True},
                policy_page={
                    "title": demo_content.POLICY_PAGE_TITLE,
                    "slug": demo_content.POLICY_PAGE_SLUG,
                    "intro": demo_content.POLICY_PAGE_INTRO,
                    "show_in_menus": True,
                },
            )
            settings = SupportSettings.for_site(site)
            if not settings.team_emails:
                settings.team_emails = demo_content.TEAM_EMAILS
                settings.save()

    def ensure_spanish(self, home, policy):
        """The Spanish home, guide, support and policy pages and policy: Wagtail translations of the
        English ones (``copy_for_translation``), with Spanish words, published."""
        es = demo_content_es
        locale, _created = Locale.objects.get_or_create(language_code=es.LANGUAGE)
        if policy.get_translation_or_none(locale) is None:
            translated = policy.copy_for_translation(locale)
            translated.title, translated.intro, translated.notes = (
                es.POLICY_TITLE,
                es.POLICY_INTRO,
                es.POLICY_NOTES,
            )
            translated.covered_items = [CoveredItem(text=t, explanation=e) for t, e in es.POLICY_COVERED]
            translated.excluded_items = [ExcludedItem(text=t, explanation=e) for t, e in es.POLICY_EXCLUDED]
            translated.live = False
            translated.save()
            translated.save_revision().publish()
        self.translate_page(home, locale, title=es.HOME_TITLE, intro=es.HOME_INTRO)
        for page, words in (
            (
                ContentPage.objects.child_of(home).filter(slug=demo_content.GUIDE_SLUG).first(),
                {
                    "title": es.GUIDE_TITLE,
                    "slug": es.GUIDE_SLUG,
                    "intro": es.GUIDE_INTRO,
                    "body": es.GUIDE_BODY,
                },
            ),
            (
                home.get_children().type(SupportPage).first(),
                {
                    "title": es.SUPPORT_TITLE,
                    "slug": es.SUPPORT_SLUG,
                    "intro": es.SUPPORT_INTRO,
                },
            ),
            (
                home.get_children().type(CoveragePolicyPage).first(),
                {
                    "title": es.POLICY_PAGE_TITLE,
                    "slug": es.POLICY_PAGE_SLUG,
                    "intro": es.POLICY_PAGE_INTRO,
                },
            ),
        ):
            if page is not None:
                self.translate_page(page.specific, locale, **words)

    def translate_page(self, page, locale, **words):
        if page.get_translation_or_none(locale) is not None:
            return
        translated = page.copy_for_translation(locale)
        for name, value in words.items():
            setattr(translated, name, value)
        translated.save_revision().publish()

    def ensure_products(self):
        for name, kind, references, days, installations, claims in demo_content.PRODUCTS:
            if ProductReference.objects.filter(reference__in=references).exists():
                continue
            product = SupportedProduct(
                name=name,
                kind=kind,
                support_period_days=days,
                installations_per_unit=installations,
                bundled_theme_claims=claims,
            )
            product.references = [ProductReference(reference=reference) for reference in references]
            product.save()

    def ensure_customer(self, password):
        """A customer with a supported theme and two tickets, bought through the normal purchase service."""
        purchase = record_purchase(
            PurchaseData(
                source="demo",
                external_id="demo-customer-1",
                email=demo_content.CUSTOMER_EMAIL,
                name=demo_content.CUSTOMER_NAME,
                lines=(PurchaseLine(product_ref="AURORA-THEME", title="Aurora theme"),),
            )
        )
        customer = purchase.customer
        customer.set_password(password)
        customer.save()
        complete_setup(customer)  # the demo customer has a password, as if they had followed the e-mail
        entitlement = purchase.entitlements.first()
        if entitlement is not None and not Ticket.objects.filter(customer=customer).exists():
            site = register_installation(entitlement, demo_content.CUSTOMER_SITE)
            for title, body in demo_content.CUSTOMER_TICKETS:
                ticket_services.open_ticket(customer, entitlement, title, body, installation=site)
        return customer

    def ensure_canned_responses(self):
        """A few macros, so that agents see canned responses with placeholders from the start."""
        for title, body, status, priority, tags in demo_content.CANNED_RESPONSES:
            CannedResponse.objects.get_or_create(
                title=title,
                defaults={"body": body, "set_status": status, "set_priority": priority, "add_tags": tags},
            )

    def ensure_admin(self, password):
        User = get_user_model()
        admin, _ = User.objects.get_or_create(
            username="admin",
            defaults={
                "email": "admin@example.com",
                "first_name": "Alex",
                "last_name": "Admin",
                "is_staff": True,
                "is_superuser": True,
            },
        )
        admin.is_staff = admin.is_superuser = admin.is_active = True
        admin.set_password(password)
        admin.save()
