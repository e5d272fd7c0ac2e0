from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import pgettext_lazy


class WagtailSupportConfig(AppConfig):
    name = "wagtail_support"
    label = "wagtail_support"
    verbose_name = pgettext_lazy("support section", "Support")
    default_auto_field = "django.db.models.BigAutoField"

    def import_models(self):
        # Without e.g. "wagtail" the models cannot even be defined, and Django stops before any
        # system check could name the missing apps: say it here instead of "Model class ... isn't
        # in an application in INSTALLED_APPS".
        try:
            super().import_models()
        except RuntimeError as error:
            from wagtail_support.checks.installation import add_app_line, missing_apps

            missing = missing_apps(self.apps)
            if not missing:
                raise
            lines = "\n".join(f"- {add_app_line(app)} ({why})" for app, why in missing.items())
            raise ImproperlyConfigured(
                f"wagtail-support needs apps that are not installed:\n{lines}"
            ) from error

    def ready(self):
        from wagtail_support import checks  # noqa: F401 - registers the system checks
        from wagtail_support.customers import receivers as customer_receivers  # noqa: F401 - first language
        from wagtail_support.inbound import esp, outgoing
        from wagtail_support.notifications import tasks  # noqa: F401 - the dispatcher publishes them by name
        from wagtail_support.purchases import accounts, receivers  # noqa: F401 - connects receivers, e-mail context
        from wagtail_support.staff import agents

        outgoing.connect()  # threading headers and Reply-To of ticket e-mails
        esp.connect()  # ESP inbound webhooks, when django-anymail is installed
        agents.connect()  # the ticket screen's assignee choices, forgotten when an agent changes
        self.connect_coverage_fragments()

    def connect_coverage_fragments(self):
        """Drop the kept coverage policies (``coverage.fragments``) when what they show changes."""
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Locale, Page, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from wagtail_support.coverage import fragments
        from wagtail_support.coverage.models import CoveragePolicy, CoveredItem, ExcludedItem
        from wagtail_support.purchases.models import ProductReference, SupportedProduct
        from wagtail_support.sitesettings import SupportSettings

        # A site's settings name its default policy; links in a policy's rich text name pages.
        models = [CoveragePolicy, CoveredItem, ExcludedItem, SupportedProduct, ProductReference]
        for sender in [*models, SupportSettings, Site, Locale]:
            uid = f"{fragments.__name__}.{sender.__name__}"
            post_save.connect(fragments.forget, sender=sender, dispatch_uid=uid)
            post_delete.connect(fragments.forget, sender=sender, dispatch_uid=uid)
        post_delete.connect(fragments.forget, sender=Page, dispatch_uid=f"{fragments.__name__}.Page")
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(fragments.forget, dispatch_uid=f"{fragments.__name__}.pages")
