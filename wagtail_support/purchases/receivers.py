"""Connect the public purchase signals to the purchases service. Adapters know the signal, not the service."""

from django.dispatch import receiver

from wagtail_support.purchases import services
from wagtail_support.signals import purchase_completed, purchase_revoked


@receiver(purchase_completed, dispatch_uid="wagtail_support.record_purchase")
def record_completed_purchase(sender, purchase, **kwargs):
    services.record_purchase(purchase)


@receiver(purchase_revoked, dispatch_uid="wagtail_support.revoke_purchase")
def record_revoked_purchase(sender, purchase, **kwargs):
    services.revoke_purchase(purchase)
