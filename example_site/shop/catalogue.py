"""What the demo shop sells. A real shop has its own catalogue; it only shares the SKUs with the
supported products (see example_site/home/demo_content.py), exactly as Stripe or Oscar would."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ShopItem:
    sku: str
    title: str | Promise
    price: str
    description: str | Promise


CATALOGUE = (
    ShopItem(
        sku="AURORA-THEME",
        title=_("Aurora theme"),
        price="€59",
        description=_("A premium theme for magazines and shops, with a year of professional support."),
    ),
    ShopItem(
        sku="HOSTING-BUSINESS",
        title=_("Business hosting"),
        price="€15 / month",
        description=_("Fast, managed hosting for one site, with one premium theme of your choice included."),
    ),
)


def find(sku):
    return next((item for item in CATALOGUE if item.sku == sku), None)
