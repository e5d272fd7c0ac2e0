"""Settings of the benchmarks: the example site's, with a real Redis broker and a per-run queue.

Read by the benchmark process and by the Celery worker processes it starts, so both sides agree.
The database comes from DATABASE_URL, as in the example site; ``bench/notify_latency.py`` always
sets it to a database of its own before it loads these settings.
"""

import json
import os

from example_site.settings import *  # noqa: F403
from example_site.settings import WAGTAIL_SUPPORT

ROOT_URLCONF = "bench.urls"

# Production-shaped request handling: no query log, no debug pages.
DEBUG = False

BENCH_RUN_ID = os.environ.get("BENCH_RUN_ID", "manual")
CELERY_BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
CELERY_TASK_ALWAYS_EAGER = False
# One queue per run (and per phase), so two runs on one machine never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("BENCH_QUEUE", f"wagtail-support-bench-{BENCH_RUN_ID}")
WAGTAIL_SUPPORT = {
    **WAGTAIL_SUPPORT,
    "CELERY_QUEUE": CELERY_TASK_DEFAULT_QUEUE,
    # A benchmark's own settings (bench/inbound.py: the IMAP mailbox), as JSON.
    **json.loads(os.environ.get("BENCH_WAGTAIL_SUPPORT", "{}")),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"wagtail_support": {"handlers": ["console"], "level": "WARNING"}},
}
