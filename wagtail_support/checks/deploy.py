"""Production checks (``manage.py check --deploy``): settings that work on a laptop, not in production."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register

from wagtail_support.conf import support_settings

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache": "keeps its counts in each process",
    "django.core.cache.backends.dummy.DummyCache": "keeps no counts at all",
}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}  # noqa: S104 - names, not a bind address


@register(deploy=True)
def shared_cache_for_rate_limits(app_configs, **kwargs):
    # django-ratelimit's own setting names the cache alias it counts in.
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "django.core.cache.backends.locmem.LocMemCache")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            f"The rate limits (new tickets, replies, set-up e-mails) count in the cache {alias!r}, whose "
            f"backend {backend.rsplit('.', 1)[1]} {PER_PROCESS_CACHES[backend]}: with several web "
            "processes a customer gets several times the limit, or none.",
            hint=(
                f'Point CACHES["{alias}"] at a cache all processes share, e.g. '
                '"django.core.cache.backends.redis.RedisCache" with your Redis URL.'
            ),
            id="wagtail_support.W002",
        )
    ]


@register(deploy=True)
def base_url_for_links(app_configs, **kwargs):
    configured = support_settings.BASE_URL or getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    if configured and urlsplit(configured).hostname not in LOCAL_HOSTS:
        return []
    found = f"it is {configured!r}" if configured else "neither is set"
    return [
        Warning(
            f'WAGTAIL_SUPPORT["BASE_URL"] and WAGTAILADMIN_BASE_URL give no public address ({found}): '
            "links in e-mails fall back to the Wagtail site's hostname and port, often localhost.",
            hint='Set WAGTAILADMIN_BASE_URL = "https://www.example.com" (or WAGTAIL_SUPPORT["BASE_URL"]).',
            id="wagtail_support.W003",
        )
    ]


@register(deploy=True)
def broker_for_notifications(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    from celery import current_app

    conf = current_app.conf
    if conf.task_always_eager:
        problem = "Celery runs tasks in the web process (task_always_eager)"
    elif not conf.broker_url or str(conf.broker_url).startswith("memory://"):
        problem = "Celery has no broker (CELERY_BROKER_URL is unset, or your Celery app is not loaded)"
    else:
        return []
    return [
        Warning(
            f"{problem}: e-mails are sent while customers wait, or not at all.",
            hint=(
                'Set CELERY_BROKER_URL (e.g. "redis://127.0.0.1:6379/0"), leave CELERY_TASK_ALWAYS_EAGER '
                "off, load your Celery app in your project's __init__.py and run a worker "
                "(docs/workers.md)."
            ),
            id="wagtail_support.W004",
        )
    ]


def calls_without_a_timeout():
    """The outside calls a request or a task makes that could hang: (setting, what happens) pairs."""
    found = []
    if getattr(settings, "EMAIL_TIMEOUT", None) is None:
        found.append(("EMAIL_TIMEOUT", "a slow mail server holds a worker for ever"))
    for alias, database in settings.DATABASES.items():
        options = database.get("OPTIONS", {})
        if "postgresql" in database.get("ENGINE", "") and not options.get("connect_timeout"):
            setting = f'DATABASES["{alias}"]["OPTIONS"]["connect_timeout"]'
            found.append((setting, "a stopped server hangs requests"))
    for alias, cache in settings.CACHES.items():
        options = cache.get("OPTIONS", {})
        if "redis" in cache.get("BACKEND", "").lower() and not options.get("socket_timeout"):
            setting = f'CACHES["{alias}"]["OPTIONS"]["socket_timeout"]'
            found.append((setting, "a stopped Redis hangs requests"))
    for alias, storage in getattr(settings, "STORAGES", {}).items():
        # django-storages' S3 backend: botocore waits 60 s to connect and to read unless told otherwise.
        if "s3" in storage.get("BACKEND", "").lower() and not storage.get("OPTIONS", {}).get("client_config"):
            setting = f'STORAGES["{alias}"]["OPTIONS"]["client_config"]'
            found.append((setting, "a slow object store holds requests for a minute"))
    return found


@register(deploy=True)
def timeouts_on_outside_calls(app_configs, **kwargs):
    return [
        Warning(
            f"{setting} is not set: {effect}.",
            hint="Set a timeout of a few seconds (docs/deployment.md#timeouts).",
            id="wagtail_support.W005",
        )
        for setting, effect in calls_without_a_timeout()
    ]
