"""Settings of ``bench/faults.py``: the example site's pages (``example_site.urls``) on the benchmarks'
settings, with the cache on the Redis server the harness starts itself (``BENCH_CACHE_URL``).

Read by gunicorn, the Celery worker and the harness, so all three agree. The outbox's timeouts are
short, so that a row left "sending" by a killed worker is settled within the run.
"""

import os

from bench.settings import *  # noqa: F403
from bench.settings import DATABASES, WAGTAIL_SUPPORT

ROOT_URLCONF = "example_site.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/13"),
        # Fail fast while the cache is down, as a production site should be configured.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
# Persistent connections, checked before reuse: a backend killed by the database fault is replaced.
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

WAGTAIL_SUPPORT = {
    **WAGTAIL_SUPPORT,
    # 50 simulated customers come from one address and open many tickets each.
    "TICKET_CREATE_RATE": "10000/h",
    "TICKET_REPLY_RATE": "10000/h",
    "LOGIN_RATE_PER_ADDRESS": "10000/15m",
    "NOTIFICATION_SENDING_TIMEOUT": int(os.environ.get("BENCH_SENDING_TIMEOUT", "15")),
    "NOTIFICATION_RETRY_BACKOFF": 1,
    "NOTIFICATION_RETRY_BACKOFF_MAX": 4,
    "OUTBOX_SWEEP_GRACE": 2,
    # The tasks the killed worker held are queued again within the run (Redis would redeliver them only
    # after its visibility timeout).
    "OUTBOX_REQUEUE_AFTER": 5,
}

# The web's and the worker's errors, with tracebacks, in their logs under var/ (kept on failure).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "wagtail_support": {"handlers": ["console"], "level": "WARNING"},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
