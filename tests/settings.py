"""Settings for the test suite: the example site's, made fast and isolated.

SQLite by default, PostgreSQL when DATABASE_URL says so. Celery runs tasks in-process unless a
test starts a real worker (see conftest.py); each test run uses its own queue and SQLite file so
that two runs on one machine do not take each other's messages.
"""

import json
import os

from example_site.settings import *  # noqa: F403
from example_site.settings import BASE_DIR, DATABASES

RUN_ID = os.environ.setdefault("WAGTAIL_SUPPORT_TEST_RUN", str(os.getpid()))
# The suite's scratch files (SQLite database, private attachments, worker logs) live in var/,
# made here so that a fresh clone's `make test` needs nothing done before it.
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a Celery worker process can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{RUN_ID}.sqlite3")}

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
TEST_RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
# A worker started by the tests is told its broker (Redis or RabbitMQ) through TEST_BROKER_URL.
CELERY_BROKER_URL = os.environ.get("TEST_BROKER_URL") or TEST_REDIS_URL
CELERY_TASK_ALWAYS_EAGER = os.environ.get("TEST_CELERY_EAGER", "1") == "1"
CELERY_TASK_DEFAULT_QUEUE = f"wagtail-support-test-{RUN_ID}"
# A worker started by the tests may be given routes (tests/inbound/test_inbound_integration.py: a queue
# each for inbound and outbound mail).
CELERY_TASK_ROUTES = json.loads(os.environ.get("TEST_CELERY_TASK_ROUTES", "{}")) or None

WAGTAIL_SUPPORT = {
    "EMAIL_SUBJECT_PREFIX": "[Test] ",
    **json.loads(os.environ.get("WAGTAIL_SUPPORT_TEST_OVERRIDES", "{}")),
}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "wagtail_support_attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / f"test-private-{RUN_ID}")},
    },
}

# Static files come from the finders in tests; WhiteNoise would only warn about a missing STATIC_ROOT.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise.")]  # noqa: F405
