"""Checks of the WAGTAIL_SUPPORT settings and the attachment storage."""

from django.conf import settings
from django.core.checks import Error, Warning, register

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


@register()
def notification_dispatch_configured(app_configs, **kwargs):
    errors = []
    if support_settings.NOTIFICATION_DISPATCH not in {"background", "inline"}:
        errors.append(
            Error(
                f"WAGTAIL_SUPPORT['NOTIFICATION_DISPATCH'] is {support_settings.NOTIFICATION_DISPATCH!r}.",
                hint='Use "background" (the default) or "inline".',
                id="wagtail_support.E001",
            )
        )
    wait = support_settings.NOTIFICATION_BATCH_WAIT
    if isinstance(wait, bool) or not isinstance(wait, int | float) or not 0 <= wait <= 1:
        errors.append(
            Error(
                f"WAGTAIL_SUPPORT['NOTIFICATION_BATCH_WAIT'] is {wait!r}.",
                hint="Give a number of seconds from 0 to 1, such as 0.05 (the default).",
                id="wagtail_support.E002",
            )
        )
    return errors


@register()
def inbound_configured(app_configs, **kwargs):
    """Replies by e-mail need a domain for the reply addresses, and a format that can be verified."""
    errors = []
    address = support_settings.INBOUND_REPLY_ADDRESS
    if support_settings.INBOUND_ENABLED and not support_settings.INBOUND_DOMAIN:
        errors.append(
            Error(
                "WAGTAIL_SUPPORT['INBOUND_ENABLED'] is on but INBOUND_DOMAIN is not set.",
                hint='Set WAGTAIL_SUPPORT["INBOUND_DOMAIN"] to the domain whose mail reaches the app, '
                'e.g. "support.example.com" (see docs/inbound-email.md).',
                id="wagtail_support.E005",
            )
        )
    if not isinstance(address, str) or "{reference}" not in address or "{signature}" not in address:
        errors.append(
            Error(
                f"WAGTAIL_SUPPORT['INBOUND_REPLY_ADDRESS'] is {address!r}.",
                hint='It needs {reference} and {signature}, e.g. "support+{reference}.{signature}@{domain}".',
                id="wagtail_support.E005",
            )
        )
    return errors
