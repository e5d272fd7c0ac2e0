"""Settings of ``bench/customer_load.py``: those of ``bench/faults.py`` (the example site's pages, the
cache on the Redis the harness names, rate limits raised for the one address all customers come from).

With ``BENCH_PROFILE_DIR`` set (``--profile``), every request is profiled (``bench/profiling.py``).
"""

import os

from bench.faults_settings import *  # noqa: F403
from bench.faults_settings import MIDDLEWARE

if os.environ.get("BENCH_PROFILE_DIR"):
    MIDDLEWARE = ["bench.profiling.ProfileMiddleware", *MIDDLEWARE]

# Sessions read from the cache, written through to the database: what docs/deployment.md advises for
# production (one query less on every signed-in page; a cache outage falls back to the database).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
