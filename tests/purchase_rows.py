"""What a purchase delivery can write, counted: a refused delivery must leave every count unchanged."""

from django.contrib.auth import get_user_model

from wagtail_support.models import CustomerAccount, Entitlement, Notification, Purchase, WebhookDelivery


def purchase_rows():
    return {
        "purchases": Purchase.objects.count(),
        "entitlements": Entitlement.objects.count(),
        "users": get_user_model().objects.count(),
        "accounts": CustomerAccount.objects.count(),
        "deliveries": WebhookDelivery.objects.count(),
        "notifications": Notification.objects.count(),
    }
