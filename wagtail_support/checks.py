"""System checks: configuration mistakes a site owner should hear about at start-up, not in production."""

from django.conf import settings
from django.core.checks import Warning, register

from wagtail_support.conf import support_settings


@register()
def attachment_storage_configured(app_configs, **kwargs):
    alias = support_settings.ATTACHMENT_STORAGE
    if alias in settings.STORAGES:
        return []
    from wagtail_support.tickets.storage import fallback_location

    return [
        Warning(
            f"STORAGES has no {alias!r} entry, so ticket attachments are stored in {fallback_location()}.",
            hint=(
                f'Add STORAGES["{alias}"] with a private storage (a folder your web server does not serve, '
                "or a private bucket). Attachments are only ever served through the support pages."
            ),
            id="wagtail_support.W001",
        )
    ]
