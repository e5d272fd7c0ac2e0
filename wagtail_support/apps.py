from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailSupportConfig(AppConfig):
    name = "wagtail_support"
    label = "wagtail_support"
    verbose_name = _("Support")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail_support import checks  # noqa: F401 - registers the system checks
        from wagtail_support.purchases import accounts, receivers  # noqa: F401 - connects receivers, e-mail context
