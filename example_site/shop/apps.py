from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "example_site.shop"
    label = "demo_shop"
    verbose_name = _("Demo shop")
