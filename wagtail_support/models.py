"""Model registry of the app: each concept keeps its models in its own sub-package."""

from wagtail_support.coverage.models import CoveragePolicy, CoveredItem, ExcludedItem
from wagtail_support.coverage.pages import CoveragePolicyMixin, CoveragePolicyPage
from wagtail_support.notifications.models import Notification, NotificationStatus
from wagtail_support.purchases.models import ProductKind, ProductReference, SupportedProduct
from wagtail_support.sitesettings import SupportSettings

__all__ = [
    "CoveragePolicy",
    "CoveragePolicyMixin",
    "CoveragePolicyPage",
    "CoveredItem",
    "ExcludedItem",
    "Notification",
    "NotificationStatus",
    "ProductKind",
    "ProductReference",
    "SupportSettings",
    "SupportedProduct",
]
