"""Model registry of the app: each concept keeps its models in its own sub-package."""

from wagtail_support.notifications.models import Notification, NotificationStatus

__all__ = ["Notification", "NotificationStatus"]
