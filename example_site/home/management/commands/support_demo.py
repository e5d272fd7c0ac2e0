import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Page, Site

from example_site.home import demo_content
from example_site.home.models import ContentPage, HomePage


class Command(BaseCommand):
    help = "Load the example site's demo content and admin user. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin-password", help="Password for the 'admin' user (default: a new random one)."
        )

    @transaction.atomic
    def handle(self, *args, admin_password=None, **options):
        home = self.ensure_home()
        self.ensure_guide(home)
        password = admin_password or secrets.token_urlsafe(12)
        self.ensure_admin(password)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        self.stdout.write(f"Admin login: http://127.0.0.1:8000/admin/  user: admin  password: {password}")

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

    def ensure_guide(self, home):
        if ContentPage.objects.child_of(home).filter(slug=demo_content.GUIDE_SLUG).exists():
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

    def ensure_admin(self, password):
        User = get_user_model()
        admin, _ = User.objects.get_or_create(
            username="admin", defaults={"email": "admin@example.com", "is_staff": True, "is_superuser": True}
        )
        admin.is_staff = admin.is_superuser = admin.is_active = True
        admin.set_password(password)
        admin.save()
